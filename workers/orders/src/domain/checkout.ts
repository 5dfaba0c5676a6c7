import { ulid } from "ulid";
import { ApiError, SUBSCRIPTIONS, makeEvent, outboxInsert, relayOutbox, type Identity, type Logger } from "@tickets/common";
import { holdTtlSeconds, inventory, type Env } from "../env";
import type { Db } from "../db/client";
import { orderItems, orders, type OrderItemRow, type OrderRow } from "../db/schema";
import type { HoldResult } from "../ports";
import { canonicalOrderRequest, hashOrderRequest, type OrderRequest } from "./idempotency";
import { claimKey, markKeyDone, markKeyFailed, readKey, releaseKey, takeOverStaleClaim } from "./idempotency-store";
import { fromStoredError, holdFailureError, toStoredError } from "./hold-errors";
import { loadOrder } from "./repo";
import { orderView, type OrderView } from "./view";
import { eq, and, isNull } from "drizzle-orm";

export type CheckoutDeps = { env: Env; db: Db; waitUntil: (p: Promise<unknown>) => void; log: Logger };
export type CheckoutRequest = { buyer: Identity; key: string; body: OrderRequest; publicOrigin: string; clientIp: string };
export type CheckoutResult = { created: boolean; order: OrderView; paymentUrl: string | null };

/** How long a retry waits for a concurrent request with the same key to finish. */
const WAIT_FOR_WINNER_MS = 8_000;
const POLL_MS = 50;
/** A claim untouched this long belongs to a request that died: a retry may take it over. */
const STALE_CLAIM_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POST /api/orders. The (buyer, Idempotency-Key) claim comes first, so concurrent retries
 * of one request make one hold: the winner holds, pays and writes; the others wait for its
 * answer and return the same order.
 */
export async function placeOrder(deps: CheckoutDeps, req: CheckoutRequest): Promise<CheckoutResult> {
  const request = canonicalOrderRequest(req.body);
  const bodyHash = await hashOrderRequest(request);
  const buyerId = req.buyer.userId;
  const deadline = Date.now() + WAIT_FOR_WINNER_MS;
  for (;;) {
    const orderId = ulid();
    if (await claimKey(deps.db, buyerId, req.key, bodyHash, orderId)) return execute(deps, req, request, orderId);
    for (;;) {
      const row = await readKey(deps.db, buyerId, req.key);
      if (!row) break; // the holder gave the key back after a transient failure: claim it again
      if (row.bodyHash !== bodyHash) {
        throw new ApiError(422, "idempotency_key_reused", "This Idempotency-Key was already used for a different request");
      }
      if (row.status === "done") return replay(deps, req, row.orderId);
      if (row.status === "failed") throw fromStoredError(JSON.parse(row.error ?? "{}"));
      if (Date.now() - row.updatedAt > STALE_CLAIM_MS && (await takeOverStaleClaim(deps.db, row))) {
        return execute(deps, req, request, row.orderId);
      }
      if (Date.now() > deadline) break;
      await sleep(POLL_MS);
    }
    if (Date.now() > deadline) {
      throw new ApiError(409, "request_in_progress", "A request with this Idempotency-Key is still being processed; retry shortly", undefined, {
        "retry-after": "1",
      });
    }
  }
}

async function execute(deps: CheckoutDeps, req: CheckoutRequest, request: OrderRequest, orderId: string): Promise<CheckoutResult> {
  const { env, db } = deps;
  const buyerId = req.buyer.userId;
  const stock = inventory(env, request.eventId);
  let hold: HoldResult;
  try {
    hold = await stock.hold({ orderId, eventId: request.eventId, buyerId, items: request.items, ttlSeconds: holdTtlSeconds(env) });
  } catch (err) {
    // The hold may have been made with only the answer lost: undo it (idempotent) before the
    // key is freed for a retry under a new order id.
    await Promise.allSettled([stock.release(orderId)]);
    await releaseKey(db, buyerId, req.key, orderId);
    deps.log.error("hold_failed", { orderId, error: (err as Error).message });
    throw new ApiError(503, "inventory_unavailable", "Tickets cannot be held right now; retry with the same Idempotency-Key");
  }
  if (!hold.ok) {
    const error = holdFailureError(hold.code, hold.message, hold.details);
    await markKeyFailed(db, buyerId, req.key, orderId, toStoredError(error));
    throw error;
  }

  const now = Date.now();
  const row: OrderRow = {
    id: orderId,
    eventId: request.eventId,
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
  const created = makeEvent(
    "OrderCreated",
    { orderId, eventId: row.eventId, buyerId, buyerEmail: row.buyerEmail, totalVnd: row.totalVnd, items: hold.items, holdExpiresAt: hold.expiresAt },
    { correlationId: orderId },
  );

  // The payment URL and the write do not depend on each other: one round trip for both.
  const [written, payment] = await Promise.allSettled([
    db.batch([db.insert(orders).values(row), db.insert(orderItems).values(items), outboxInsert(db as never, created), markKeyDone(db, buyerId, req.key, orderId)]),
    paymentUrlFor(env, row, req),
  ]);
  if (written.status === "rejected") {
    // A request that took over this claim (see STALE_CLAIM_MS) may have written the order first:
    // then it is ours too, and its hold must not be released.
    if (await loadOrder(db, orderId)) return replay(deps, req, orderId);
    deps.log.error("order_write_failed", { orderId, error: (written.reason as Error)?.message });
    await Promise.allSettled([stock.release(orderId), releaseKey(db, buyerId, req.key, orderId)]);
    throw new ApiError(503, "order_unavailable", "The order could not be saved; retry with the same Idempotency-Key");
  }
  const paymentUrl = payment.status === "fulfilled" ? payment.value : null;
  // OrderCreated has no subscribers today: then the row waits for the next relay (cron or any
  // saga write) instead of costing this hot path two more D1 round trips.
  if (SUBSCRIPTIONS[created.type].length) deps.waitUntil(relay(deps));
  if (paymentUrl === null) {
    deps.log.error("payment_url_failed", { orderId, error: ((payment as PromiseRejectedResult).reason as Error)?.message });
    throw new ApiError(503, "payment_unavailable", "The payment could not be started; retry with the same Idempotency-Key");
  }
  return { created: true, order: orderView(row, items), paymentUrl };
}

/**
 * The same key and body again: the order it made. Its payment URL is kept only from the first
 * replay on (the first answer's URL is not written back, which would cost the hot path a D1
 * write); every URL made for the order is a valid one for the same TxnRef and amount.
 */
async function replay(deps: CheckoutDeps, req: CheckoutRequest, orderId: string): Promise<CheckoutResult> {
  const found = await loadOrder(deps.db, orderId);
  if (!found) throw new Error(`idempotency key points at missing order ${orderId}`);
  let paymentUrl = found.row.paymentUrl;
  if (!paymentUrl && found.row.status === "pending_payment") {
    const made = await paymentUrlFor(deps.env, found.row, req).catch(() => {
      throw new ApiError(503, "payment_unavailable", "The payment could not be started; retry with the same Idempotency-Key");
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

async function paymentUrlFor(env: Env, order: OrderRow, req: CheckoutRequest): Promise<string> {
  const { paymentUrl } = await env.PAYMENTS_RPC.createPaymentUrl({
    orderId: order.id,
    amountVnd: order.totalVnd,
    expiresAt: new Date(order.holdExpiresAt).toISOString(),
    orderInfo: `Thanh toan don hang ${order.id}`,
    publicOrigin: req.publicOrigin,
    clientIp: req.clientIp,
    locale: "vn",
  });
  return paymentUrl;
}

async function relay(deps: CheckoutDeps) {
  try {
    await relayOutbox(deps.db as never, deps.env, deps.log);
  } catch (err) {
    deps.log.error("outbox_relay_failed", { error: (err as Error).message });
  }
}
