import { ApiError, SUBSCRIPTIONS, makeEvent, outboxInsert, relayOutbox, verifyQueueToken, withTrace, type Identity, type Logger } from "@tickets/common";
import { and, eq, isNull } from "drizzle-orm";
import { holdTtlSeconds, inventory, type Env } from "../env";
import type { Db } from "../db/client";
import { orders, type OrderItemRow, type OrderRow } from "../db/schema";
import type { HoldGuard, HoldItem, HoldResult, InventoryApi } from "../ports";
import { canonicalOrderRequest, hashOrderRequest, type OrderRequest } from "./idempotency";
import { deriveOrderId } from "./order-id";
import { assertEventExists } from "./event-check";
import { holdGuard } from "./hoarding";
import { assertPaymentsAvailable, createPaymentUrl, paymentsUnavailable } from "./payments-guard";
import { holdFailureError } from "./hold-errors";
import { writeOrder } from "./order-writer";
import { loadOrder, transition, type LoadedOrder } from "./repo";
import { orderView, type OrderView } from "./view";

export type CheckoutDeps = { env: Env; db: Db; waitUntil: (p: Promise<unknown>) => void; log: Logger };
export type CheckoutRequest = {
  buyer: Identity;
  key: string;
  body: OrderRequest;
  publicOrigin: string;
  clientIp: string;
  /** The client address as Cloudflare saw it (cf-connecting-ip), null when there is none. */
  clientAddress: string | null;
  /** A Turnstile token (cf-turnstile-response), asked for on hot events. */
  turnstileToken: string | null;
  /** The Queue-Pass header, if sent. */
  queuePass?: string | null;
};
export type CheckoutResult = { created: boolean; order: OrderView; paymentUrl: string | null };

type Attempt = {
  deps: CheckoutDeps;
  req: CheckoutRequest;
  request: OrderRequest;
  orderId: string;
  bodyHash: string;
  stock: InventoryApi;
  guard: HoldGuard;
  /** A valid waiting-room pass for this buyer and event came with the request (checked here, no call out). */
  queueAdmitted: boolean;
  /**
   * How long each step of this checkout waited (ms, on `order_placed`): checks (event, guard,
   * pass), hold (the inventory object), write (the order row's group commit) and paymentUrl (the
   * payments RPC, run alongside the write). Workers' clocks move only across I/O, which these are.
   */
  phasesMs: Record<string, number>;
};

const keyReused = () => new ApiError(422, "idempotency_key_reused", "This Idempotency-Key was already used for a different request");

/**
 * POST /api/orders. The order id is derived from (buyer, Idempotency-Key), so retries of one
 * request (concurrent or not) are one order without an idempotency write of their own:
 * - the inventory object holds once per order id (a retry gets `alreadyHeld` and the held
 *   items, which must be the ones asked for, else 422);
 * - `rehold: false`: the retry of an order whose hold already ended (expired, cancelled) holds
 *   nothing and gets that order back;
 * - the orders primary key lets one write win; a retry that loses loads the winner's order and
 *   answers it (200), or 422 if the key was used with another body (the body hash is stored).
 * The hot path is one object call, then one D1 batch in parallel with the payment URL; a
 * refused hold (sold out) touches no database at all.
 */
export async function placeOrder(deps: CheckoutDeps, req: CheckoutRequest): Promise<CheckoutResult> {
  const request = canonicalOrderRequest(req.body);
  const started = Date.now();
  const [orderId, bodyHash, guard, queueAdmitted] = await Promise.all([
    deriveOrderId(req.buyer.userId, req.key),
    hashOrderRequest(request),
    holdGuard(deps.env, { address: req.clientAddress, turnstileToken: req.turnstileToken }, deps.log),
    checkQueuePass(deps, req.queuePass, request.eventId, req.buyer.userId),
    assertEventExists(deps.env, request.eventId),
  ]);
  assertPaymentsAvailable(deps.env);
  const a: Attempt = { deps, req, request, orderId, bodyHash, stock: inventory(deps.env, request.eventId, req.buyer.userId), guard, queueAdmitted, phasesMs: { checks: Date.now() - started } };
  // From here on the order id is the correlation id of every log line, call and event.
  return withTrace({ correlationId: orderId }, () => placeDerived(a));
}

async function placeDerived(a: Attempt): Promise<CheckoutResult> {
  const { deps, orderId, request } = a;
  const holdStarted = Date.now();
  let hold = await holdStock(a, false);
  a.phasesMs.hold = Date.now() - holdStarted;
  if (!hold.ok && hold.code === "hold_ended") {
    const ended = await loadOrder(deps.db, orderId);
    if (ended) return replay(a, ended);
    // The hold ran out (or was given back) before any order was written: the request that
    // made it died. Nothing was bought under this key, so this retry starts it afresh.
    hold = await holdStock(a, true);
  }
  if (!hold.ok) {
    // The client renders the Turnstile widget with this site key and sends its token again.
    const details = hold.code === "challenge_required" ? { siteKey: deps.env.TURNSTILE_SITE_KEY ?? null } : hold.details;
    throw holdFailureError(hold.code, hold.message, details);
  }
  if (!sameItems(hold.items, request.items)) throw keyReused(); // the key's hold is for other items
  if (hold.alreadyHeld) {
    const found = await loadOrder(deps.db, orderId);
    if (found) return replay(a, found);
    // Held, but no order yet: a concurrent retry is writing it, or the request that held died.
  }
  return write(a, hold);
}

async function holdStock(a: Attempt, rehold: boolean): Promise<HoldResult> {
  try {
    return await a.stock.hold({
      orderId: a.orderId,
      eventId: a.request.eventId,
      buyerId: a.req.buyer.userId,
      items: a.request.items,
      ttlSeconds: holdTtlSeconds(a.deps.env),
      rehold,
      guard: a.guard,
      queueAdmitted: a.queueAdmitted,
    });
  } catch (err) {
    // Nothing to undo: if the hold was made and only its answer lost, a retry with the same key
    // names the same order and finds it; without a retry it expires with its TTL.
    a.deps.log.error("hold_failed", { orderId: a.orderId, error: (err as Error).message });
    throw new ApiError(503, "inventory_unavailable", "Tickets cannot be held right now; retry with the same Idempotency-Key");
  }
}

/**
 * The pass's signature, buyer, event and expiry, checked locally. Whether the event needs one is
 * the inventory object's to say (its snapshot knows if the room is on): the hold it is already
 * asked for refuses with queue_required, so the check costs the hot path no extra call.
 */
async function checkQueuePass(deps: CheckoutDeps, pass: string | null | undefined, eventId: string, userId: string): Promise<boolean> {
  if (!pass) return false;
  const check = await verifyQueueToken("pass", pass, deps.env.QUEUE_PASS_SECRET, { eventId, userId });
  if (!check.ok) deps.log.warn("queue_pass_refused", { eventId, reason: check.reason });
  return check.ok;
}

async function write(a: Attempt, hold: Extract<HoldResult, { ok: true }>): Promise<CheckoutResult> {
  const { deps, req, orderId } = a;
  const { env, db } = deps;
  const buyerId = req.buyer.userId;
  const now = Date.now();
  const row: OrderRow = {
    id: orderId,
    eventId: a.request.eventId,
    buyerId,
    buyerEmail: req.buyer.email,
    status: "pending_payment",
    totalVnd: hold.totalVnd,
    holdExpiresAt: Date.parse(hold.expiresAt),
    paymentUrl: null,
    paymentId: null,
    paidAmountVnd: null,
    transactionNo: null,
    paidAt: null,
    note: null,
    lastEventId: null,
    bodyHash: a.bodyHash,
    confirmedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const items: OrderItemRow[] = hold.items.map((i) => ({
    orderId,
    ticketTypeId: i.ticketTypeId,
    name: i.name,
    unitPriceVnd: i.unitPriceVnd,
    quantity: i.quantity,
  }));
  // OrderCreated has no subscribers today: then its outbox row is not written at all (one
  // statement less in the hot batch); it comes back by itself once someone subscribes.
  const notify = SUBSCRIPTIONS.OrderCreated.length > 0;
  const created = notify
    ? makeEvent(
        "OrderCreated",
        { orderId, eventId: row.eventId, buyerId, buyerEmail: row.buyerEmail, totalVnd: row.totalVnd, items: hold.items, holdExpiresAt: hold.expiresAt },
        { correlationId: orderId },
      )
    : null;
  // The payment URL and the write do not depend on each other: one round trip for both.
  const timed = <T>(phase: string, work: Promise<T>) => work.finally(() => (a.phasesMs[phase] = Date.now() - now));
  const [written, payment] = await Promise.allSettled([
    timed("write", writeOrder(env.DB, { row, items, created }, deps.waitUntil)),
    timed("paymentUrl", paymentUrlFor(env, row, req)),
  ]);
  // Another request of the same key wrote the order first: answered below like any such retry.
  const lostTheWrite = written.status === "fulfilled" && !written.value;
  if (payment.status === "rejected" && !lostTheWrite) {
    deps.log.error("payment_url_failed", { orderId, error: (payment.reason as Error)?.message });
    // A hold another request of the same key made is that request's to answer for.
    if (!hold.alreadyHeld) await giveBack(a, written.status === "fulfilled");
    throw paymentsUnavailable();
  }
  if (written.status === "rejected") {
    deps.log.error("order_write_failed", { orderId, error: (written.reason as Error)?.message });
    throw new ApiError(503, "order_unavailable", "The order could not be saved; retry with the same Idempotency-Key");
  }
  if (!written.value) {
    // The id was taken: a concurrent retry wrote this order first, or the key already names an
    // order (for this or another request).
    const existing = await loadOrder(db, orderId);
    if (!existing) throw new ApiError(503, "order_unavailable", "The order could not be saved; retry with the same Idempotency-Key");
    if (existing.row.eventId !== row.eventId) {
      // The key was used for another event: this object's hold under that order id is a stray.
      deps.waitUntil(a.stock.release(orderId).catch(() => undefined));
    }
    return replay(a, existing);
  }
  if (created) deps.waitUntil(relay(deps));
  if (payment.status === "rejected") throw paymentsUnavailable(); // not reached: handled above once this write won
  deps.log.info("order_placed", { orderId, eventId: row.eventId, totalVnd: row.totalVnd, phasesMs: a.phasesMs });
  return { created: true, order: orderView(row, items), paymentUrl: payment.value };
}

/**
 * The same key and body again: the order it made (422 if the key made an order for another
 * request). Its payment URL is kept only from the first replay on (the first answer's URL is not
 * written back, which would cost the hot path a D1 write); every URL made for the order is a
 * valid one for the same TxnRef and amount.
 */
async function replay(a: Attempt, found: LoadedOrder): Promise<CheckoutResult> {
  const { deps, req, orderId } = a;
  if (found.row.bodyHash !== a.bodyHash) throw keyReused();
  let paymentUrl = found.row.paymentUrl;
  if (!paymentUrl && found.row.status === "pending_payment") {
    const made = await paymentUrlFor(deps.env, found.row, req).catch(() => {
      throw new ApiError(503, "payments_unavailable", "The payment could not be started; retry with the same Idempotency-Key");
    });
    const kept = await deps.db
      .update(orders)
      .set({ paymentUrl: made })
      .where(and(eq(orders.id, orderId), isNull(orders.paymentUrl)))
      .returning({ paymentUrl: orders.paymentUrl });
    paymentUrl = kept[0]?.paymentUrl ?? (await loadOrder(deps.db, orderId))?.row.paymentUrl ?? made;
  }
  return { created: false, order: orderView(found.row, found.items), paymentUrl };
}

/** The held items are exactly the (canonical) items asked for. */
function sameItems(held: HoldItem[], asked: HoldItem[]): boolean {
  if (held.length !== asked.length) return false;
  const want = new Map(asked.map((i) => [i.ticketTypeId, i.quantity]));
  return held.every((i) => want.get(i.ticketTypeId) === i.quantity);
}

/**
 * The payment could not be started (payments down, late, or refusing while VNPAY is down): the
 * hold is released in this request, so the stock is back at once, and an order this request wrote
 * is cancelled (no event: the buyer only ever saw the 503). Should the payment have been made
 * after all (an answer lost to the timeout), the saga's late-payment path honours or refunds it.
 */
async function giveBack(a: Attempt, orderWritten: boolean) {
  const { deps, orderId } = a;
  try {
    await a.stock.release(orderId, { cooldown: false });
  } catch (err) {
    // The hold's own expiry gives the stock back in any case.
    deps.log.error("release_failed", { orderId, error: (err as Error).message });
  }
  if (!orderWritten) return;
  await transition(deps.db, orderId, "cancelled", {
    from: ["pending_payment"],
    patch: { note: "Payments were unavailable when the order was placed; nothing was held" },
  }).catch((err) => deps.log.error("payments_unavailable_cancel_failed", { orderId, error: (err as Error).message }));
}

async function paymentUrlFor(env: Env, order: OrderRow, req: CheckoutRequest): Promise<string> {
  return createPaymentUrl(env, {
    orderId: order.id,
    amountVnd: order.totalVnd,
    expiresAt: new Date(order.holdExpiresAt).toISOString(),
    orderInfo: `Thanh toan don hang ${order.id}`,
    publicOrigin: req.publicOrigin,
    clientIp: req.clientIp,
    locale: "vn",
    // payments writes PaymentRequested (the buyer's payment link) with the order's first attempt.
    buyer: { eventId: order.eventId, buyerId: order.buyerId, buyerEmail: order.buyerEmail },
  });
}

async function relay(deps: CheckoutDeps) {
  try {
    await relayOutbox(deps.db as never, deps.env, deps.log);
  } catch (err) {
    deps.log.error("outbox_relay_failed", { error: (err as Error).message });
  }
}
