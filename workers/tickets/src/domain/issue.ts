import { eq } from "drizzle-orm";
import { ulid } from "ulid";
import { makeEvent, outboxInsert, type Envelope, type Logger } from "@tickets/common";
import { tickets, voidedOrders, type TicketRow } from "../db/schema";
import { signTicketCode, type KeyRing } from "./codes";
import { ticketsOfOrder, type Db } from "./tickets";

export type IssueDeps = { db: Db; ring: KeyRing; log: Logger; now?: () => number };

export type IssueResult = { outcome: "issued" | "already_issued" | "order_refunded"; tickets: TicketRow[] };

// D1 binds at most 100 parameters per statement; a ticket row binds 16.
const ROWS_PER_INSERT = 6;

const isUniqueViolation = (err: unknown) => {
  const text = `${(err as Error)?.message ?? ""} ${String((err as { cause?: unknown })?.cause ?? "")}`;
  return text.includes("UNIQUE constraint failed");
};

/**
 * OrderConfirmed → one ticket per seat bought, each with a signed code, plus the TicketsIssued
 * outbox row, all in one atomic batch. The seat key (order, ticket type, seat index) is unique,
 * so a redelivered or concurrent duplicate fails the whole batch (no second tickets, no second
 * event). Signatures and rows only: a QR PNG costs ~100–150 ms CPU, so the QR route renders it
 * on its first request and keeps it in R2 (see ./qr.ts), off the payment → tickets path.
 */
export async function issueTickets(deps: IssueDeps, event: Envelope<"OrderConfirmed">): Promise<IssueResult> {
  const { db, ring, log } = deps;
  const now = deps.now?.() ?? Date.now();
  const p = event.payload;

  const existing = await ticketsOfOrder(db, p.orderId);
  if (existing.length > 0) return { outcome: "already_issued", tickets: existing };
  const refunded = await db.select().from(voidedOrders).where(eq(voidedOrders.orderId, p.orderId)).get();
  if (refunded) {
    log.warn("issue_skipped_refunded_order", { orderId: p.orderId, refundId: refunded.refundId });
    return { outcome: "order_refunded", tickets: [] };
  }

  const rows: TicketRow[] = [];
  for (const item of p.items) {
    for (let seat = 0; seat < item.quantity; seat++) {
      const id = ulid();
      const code = await signTicketCode(ring, { tid: id, eid: p.eventId, v: 1 });
      rows.push({
        id,
        orderId: p.orderId,
        eventId: p.eventId,
        ticketTypeId: item.ticketTypeId,
        ticketTypeName: item.name ?? null,
        seatIndex: seat,
        ownerId: p.buyerId,
        ownerEmail: p.buyerEmail ?? null,
        code,
        kid: ring.kid,
        version: 1,
        status: "valid",
        issuedAt: now,
        checkedInAt: null,
        checkedInBy: null,
        voidedAt: null,
      });
    }
  }
  if (rows.length === 0) return { outcome: "issued", tickets: [] };
  const issued = makeEvent(
    "TicketsIssued",
    {
      orderId: p.orderId,
      eventId: p.eventId,
      buyerId: p.buyerId,
      buyerEmail: p.buyerEmail,
      locale: p.locale,
      tickets: rows.map((r) => ({ id: r.id, code: r.code, ticketTypeId: r.ticketTypeId })),
    },
    { correlationId: event.correlationId, causationId: event.id },
  );
  const inserts = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) inserts.push(db.insert(tickets).values(rows.slice(i, i + ROWS_PER_INSERT)));
  try {
    await db.batch([outboxInsert(db, issued), ...inserts]);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return { outcome: "already_issued", tickets: await ticketsOfOrder(db, p.orderId) };
  }
  log.info("tickets_issued", { orderId: p.orderId, count: rows.length, eventId: p.eventId });
  return { outcome: "issued", tickets: rows };
}
