// Contract stand-ins for the events and orders workers in the support worker's workerd tests
// (the real ones are exercised end to end in e2e/support.test.ts). Answers are read off the ids:
//   event "evt.<organizerId>" and "evt.<organizerId>.2" are organized by <organizerId>;
//   user "staff.<organizerId>" is staff of "evt.<organizerId>" (only);
//   events of an organizer id starting "missing" do not exist; "evt.<organizerId>.draft" is an unpublished draft;
//   order "ord:<buyerId>:<eventId>" was bought by <buyerId> for <eventId>; "ord:missing:…" does not exist.
import { WorkerEntrypoint } from "cloudflare:workers";

const organizerOf = (eventId) => (/^evt\.([^.]+)(\.2|\.draft)?$/.exec(eventId) ?? [])[1] ?? null;

export class EventsRpc extends WorkerEntrypoint {
  async getEventAccess(eventId, userId) {
    const organizerId = organizerOf(eventId);
    if (!organizerId || organizerId.startsWith("missing")) return { exists: false, published: false, organizerId: null, isOrganizer: false, isStaff: false };
    return { exists: true, published: !eventId.endsWith(".draft"), organizerId, isOrganizer: organizerId === userId, isStaff: userId === `staff.${organizerId}` && eventId === `evt.${organizerId}` };
  }

  async managedEventIds(userId) {
    if (userId.startsWith("staff.")) return [`evt.${userId.slice(6)}`];
    return userId.startsWith("org-") ? [`evt.${userId}`, `evt.${userId}.2`] : [];
  }
}

export class OrdersRpc extends WorkerEntrypoint {
  async getOrder(orderId) {
    const [, buyerId, eventId] = orderId.split(":");
    if (!buyerId || !eventId || buyerId === "missing") return null;
    return {
      id: orderId,
      eventId,
      buyerId,
      buyerEmail: `${buyerId}@example.test`,
      status: "confirmed",
      totalVnd: 700_000,
      items: [],
      holdExpiresAt: "2026-12-01T00:00:00.000Z",
      createdAt: "2026-12-01T00:00:00.000Z",
    };
  }
}

export default { fetch: () => new Response("stub") };
