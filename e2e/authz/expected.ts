import type { Role, World } from "./fixtures";
import { patiently } from "./patience";

/**
 * The authorization matrix: for every operation of the merged OpenAPI document, what each kind of
 * caller gets (e2e/authz-matrix.test.ts checks every cell on the booted stack). Conventions of
 * the public contract: no or bad token → 401; signed in but not allowed → 403; another tenant's
 * resource → 404 (its existence is not leaked). "ok" means the call is let through: it answers
 * 2xx or a business error (400/409/422 and the like), never 401/403/404.
 *
 * A route in the document without a rule here fails the test: add one (and, when it needs a
 * resource or a body the defaults cannot guess, a `request`). Rules are keyed by operationId, or
 * by "METHOD /path" as the document spells it (for routes the contract fixes before they exist).
 *
 * Resources are those of World (fixtures.ts): `buyer` owns the order, ticket, refund and support
 * ticket; `organizer` owns the event; `staff` is a buyer granted check-in on that event;
 * `otherBuyer` and `otherOrganizer` own nothing of it.
 */
export type Outcome = "ok" | 401 | 403 | 404;
export type Expected = Record<Role, Outcome>;

export type RequestParts = {
  /** Path parameters; the test fills `{id}`, `{eventId}`, `{orderId}`, `{ttId}`, `{date}` from World by default. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Replaces the role's token (e.g. a fresh session for logout). */
  token?: string;
};

export type Rule = {
  expect: Expected;
  /** The request to send as `role`; default: path params from World, a body derived from the request schema. */
  request?: (world: World, role: Role) => RequestParts | Promise<RequestParts>;
  /** Why the rule is what it is, when it is not obvious. */
  note?: string;
};

const rule = (anonymous: Outcome, buyer: Outcome, otherBuyer: Outcome, organizer: Outcome, otherOrganizer: Outcome, staff: Outcome, admin: Outcome): Expected => ({
  anonymous,
  buyer,
  otherBuyer,
  organizer,
  otherOrganizer,
  staff,
  admin,
});

//                                   anon buyer other-buyer organizer other-org staff admin
const everyone = rule("ok", "ok", "ok", "ok", "ok", "ok", "ok");
const signedIn = rule(401, "ok", "ok", "ok", "ok", "ok", "ok");
const adminOnly = rule(401, 403, 403, 403, 403, 403, "ok");
/** Organizer role (any organizer) or admin. */
const organizers = rule(401, 403, 403, "ok", "ok", 403, "ok");
/** The event's organizer or an admin; buyers lack the role (403); another organizer must not learn it exists (404). */
const eventOwner = rule(401, 403, 403, "ok", 404, 403, "ok");
/**
 * The event's organizer, its staff or an admin. Check-in routes answer 403 to anyone else
 * (staff are buyer accounts, so there is no role to tell them apart by; events are public).
 */
const eventCrew = rule(401, 403, 403, "ok", 403, "ok", "ok");
/** Reports answer 404 to everyone but the event's organizer and admins (documented on each route). */
const reportReaders = rule(401, 404, 404, "ok", 404, 404, "ok");
/** The buyer who owns the order (ticket, refund…), the organizer of its event or an admin; nobody else learns it exists. */
const orderReaders = rule(401, "ok", 404, "ok", 404, 404, "ok");

/** A browser's PushSubscription.toJSON(): an uncompressed P-256 point (65 bytes) and a 16-byte secret. */
const pushSubscription = (endpoint: string) => ({
  endpoint,
  keys: { p256dh: Buffer.from([4, ...Array(64).fill(7)]).toString("base64url"), auth: Buffer.alloc(16, 9).toString("base64url") },
});

/** Dead-letter replay of an id parked nowhere: answered in notFound, nothing replayed. */
const replayNothing: Rule = { expect: adminOnly, request: () => ({ body: { ids: ["authz-not-parked"] } }) };

const session = async (world: World, role: Role): Promise<RequestParts> =>
  role === "anonymous" ? {} : { token: (await world.freshSession(role)).accessToken };

export const EXPECTED: Record<string, Rule> = {
  // operations (gateway)
  getHealth: { expect: everyone },
  getOpenApiDocument: { expect: everyone },
  getApiReference: { expect: everyone },
  ping: { expect: signedIn },

  // auth
  register: {
    expect: everyone,
    request: () => ({ body: { email: `authz-reg-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`, password: "authz-matrix-pass", name: "Registered" } }),
  },
  login: { expect: everyone, request: (w) => ({ body: { email: w.emails.otherBuyer, password: "authz-matrix-pass" } }) },
  refreshTokens: {
    expect: everyone,
    note: "the refresh token is the credential: whoever holds one may spend it",
    request: async (w, role) => ({ body: { refreshToken: (await w.freshSession(role === "anonymous" ? "otherBuyer" : role)).refreshToken } }),
  },
  logout: { expect: signedIn, request: session },
  getMe: { expect: signedIn },
  getAuthJwks: { expect: everyone },

  // events
  listCategories: { expect: everyone },
  listEvents: { expect: everyone },
  getEvent: { expect: everyone, note: "a published event" },
  createEvent: {
    expect: organizers,
    request: () => ({ body: { title: "Matrix event", venue: "Nha hat Lon", startsAt: "2031-06-01T12:00:00Z", endsAt: "2031-06-01T15:00:00Z" } }),
  },
  updateEvent: { expect: eventOwner, request: () => ({ body: { description: "Updated by the authorization matrix" } }) },
  publishEvent: { expect: eventOwner, note: "already published: answered unchanged" },
  addTicketType: { expect: eventOwner, request: () => ({ body: { name: "Matrix", priceVnd: 100_000, quantity: 5 } }) },
  updateTicketType: { expect: eventOwner, request: () => ({ body: { name: "Standard" } }) },
  grantEventStaff: { expect: eventOwner, request: (w) => ({ body: { email: w.emails.staff } }) },
  listEventStaff: { expect: eventOwner },
  revokeEventStaff: {
    expect: eventOwner,
    note: "each caller revokes a fresh invite of the organizer's (the world's staff keep theirs)",
    request: async (w) => {
      const email = `authz-revoke-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`;
      const invite = await patiently(() => w.clients.organizer.post(`/api/events/${w.sale.eventId}/staff`, { email }));
      if (invite.status !== 201) throw new Error(`setup: staff invite answered ${invite.status} ${invite.text.slice(0, 200)}`);
      return { params: { id: w.sale.eventId, staffId: invite.json.staff.id } };
    },
  },
  cancelEvent: { expect: eventOwner, request: (w) => ({ params: { id: w.eventToCancel }, body: { reason: "Authorization matrix" } }) },
  getEventCancellation: {
    expect: eventOwner,
    note: "the event is cancelled first (again: idempotent), so the organizer's answer does not depend on which rule ran before",
    request: async (w) => {
      await patiently(() => w.clients.organizer.post(`/api/events/${w.eventToCancel}/cancel`, { reason: "Authorization matrix" }));
      return { params: { id: w.eventToCancel } };
    },
  },

  // orders
  createOrder: {
    expect: signedIn,
    request: (w) => ({
      headers: { "idempotency-key": `authz-${Date.now()}-${Math.random().toString(36).slice(2)}` },
      body: { eventId: w.sale.eventId, items: [{ ticketTypeId: w.sale.ticketTypeId, quantity: 1 }] },
    }),
  },
  listMyOrders: { expect: signedIn },
  getOrder: { expect: orderReaders },
  cancelOrder: { expect: rule(401, "ok", 404, 404, 404, 404, 404), note: "the owner only", request: (w) => ({ params: { id: w.pendingOrder } }) },
  listOrderDeadLetters: { expect: adminOnly },
  replayOrderDeadLetters: replayNothing,

  // payments
  handleVnpayIpn: { expect: everyone, note: "VNPAY's server calls it; the signature (not a token) is checked: 200 with RspCode 97" },
  handleVnpayReturn: { expect: everyone, note: "the payer's browser; an unsigned query is 400" },
  getOrderPayments: { expect: adminOnly, note: "the payment audit trail is for admins" },

  // tickets and check-in
  getTicketJwks: { expect: everyone },
  listMyTickets: { expect: signedIn },
  getTicket: { expect: orderReaders },
  getTicketQr: { expect: orderReaders },
  checkInTicket: { expect: eventCrew, request: (w) => ({ body: { code: w.ticket.code } }), note: "the first allowed scan admits, the next ones get 409 already_checked_in" },
  getCheckinStats: { expect: eventCrew },
  getCheckinBundle: { expect: eventCrew },
  syncOfflineCheckins: { expect: eventCrew, request: (w) => ({ body: { scans: [{ code: w.ticket.code, scannedAt: new Date().toISOString() }] } }) },

  // refunds
  requestRefund: {
    expect: orderReaders,
    note: "the first allowed request starts the refund; later ones get 409 not_refundable",
    request: (w) => ({ params: { id: w.refundableOrder }, body: { reason: "Authorization matrix" } }),
  },
  getRefund: { expect: orderReaders },
  retryRefund: { expect: rule(401, 403, 404, "ok", 404, 404, "ok"), note: "from failed only: the fixture's refund answers 409 invalid_state to those allowed" },

  // notifications
  listMyNotifications: { expect: signedIn },
  getPushPublicKey: { expect: everyone },
  subscribeToPush: { expect: signedIn, request: (_w, role) => ({ body: pushSubscription(`https://push.example.test/authz/${role}`) }) },
  unsubscribeFromPush: {
    expect: signedIn,
    note: "each caller removes a subscription of their own (someone else's, or none, is 404)",
    request: async (w, role) => {
      const endpoint = `https://push.example.test/authz/unsubscribe/${role}`;
      if (role !== "anonymous") await patiently(() => w.clients[role].post("/api/notifications/push/subscriptions", pushSubscription(endpoint)));
      return { body: { endpoint } };
    },
  },

  // reports
  getSalesReport: { expect: reportReaders },
  getSalesSeries: { expect: reportReaders },
  getOrganizerSummary: { expect: organizers },
  listReconciliationRuns: { expect: adminOnly },
  getDailyReportFile: { expect: rule(401, 403, 403, "ok", 404, 403, 404), note: "the file is the organizer's own: an admin has none for that day" },

  // support
  createSupportTicket: { expect: signedIn, request: (w) => ({ body: { subject: "Matrix", message: "A question", eventId: w.sale.eventId } }) },
  listSupportTickets: { expect: signedIn },
  getSupportTicket: { expect: rule(401, "ok", 404, "ok", 404, "ok", "ok") },
  updateSupportTicketStatus: { expect: rule(401, 403, 404, "ok", 404, 403, "ok"), note: "author and staff see the ticket but may not move it", request: () => ({ body: { status: "pending" } }) },
  replyToSupportTicket: { expect: rule(401, "ok", 404, "ok", 404, "ok", "ok"), request: () => ({ body: { message: "A reply" } }) },

  listTicketDeadLetters: { expect: adminOnly },
  replayTicketDeadLetters: replayNothing,
  listRefundDeadLetters: { expect: adminOnly },
  replayRefundDeadLetters: replayNothing,
  listNotificationDeadLetters: { expect: adminOnly },
  replayNotificationDeadLetters: replayNothing,
  listReportDeadLetters: { expect: adminOnly },
  replayReportDeadLetters: replayNothing,
  requestPhoneVerification: { expect: signedIn, note: "matrix accounts have no phone: 409 no_phone" },
  confirmPhoneVerification: { expect: signedIn, note: "no code pending: 409 no_code_pending", request: () => ({ body: { code: "000000" } }) },
  getMetricsSummary: { expect: adminOnly },

  // waiting room (events)
  joinQueue: { expect: signedIn, note: "the room of a published event takes anyone signed in (it admits only while on)" },
  getQueuePlace: {
    expect: signedIn,
    note: "each caller joins first (a caller with no place gets 404 not_in_queue)",
    request: async (w, role) => {
      if (role !== "anonymous") await patiently(() => w.clients[role].post(`/api/events/${w.sale.eventId}/queue`, {}));
      return {};
    },
  },
  leaveQueue: { expect: signedIn },
  getQueueStats: { expect: eventOwner, note: "the room's figures are the organizer's" },

  // contract v1.1 routes, keyed by path until they are published
  "GET /api/orders/{id}/timeline": { expect: orderReaders },
  "GET /api/admin/audit": { expect: adminOnly },
};

/** The rule for an operation: by its operationId, else by "METHOD /path". */
export const ruleFor = (op: { operationId: string; method: string; path: string }): Rule | undefined =>
  EXPECTED[op.operationId] ?? EXPECTED[`${op.method} ${op.path}`];
