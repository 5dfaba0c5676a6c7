import { WorkerEntrypoint } from "cloudflare:workers";
import { createLogger, withTrace, type TimelineItem, type Trace } from "@tickets/common";
import type { Env } from "./env";
import { dbOf } from "./db/client";
import { ticketsOfOrder } from "./domain/tickets";
import { holdersForEventsStartingBetween, type EventHolders } from "./domain/holders";
import { qrUrl } from "./domain/qr";
import { ticketTimeline } from "./domain/timeline";
import type { TicketStatus } from "./db/schema";

export type OrderTicket = { id: string; code: string; status: TicketStatus; qrUrl: string; ticketTypeId: string };
export type { EventHolders };

/** What other workers may call (bind with entrypoint = "TicketsRpc"). */
export interface TicketsApi {
  ticketsForOrder(orderId: string): Promise<OrderTicket[]>;
  /** Holders of valid tickets to published events starting in [fromIso, toIso) (for reminders). */
  holdersForEventsStartingBetween(fromIso: string, toIso: string): Promise<EventHolders[]>;
  /** This order's ticket steps (issued, checked in, voided) for its timeline, full detail. */
  timelineFor(orderId: string, trace?: Trace): Promise<TimelineItem[]>;
}

export class TicketsRpc extends WorkerEntrypoint<Env> implements TicketsApi {
  async ticketsForOrder(orderId: string): Promise<OrderTicket[]> {
    const rows = await ticketsOfOrder(dbOf(this.env), orderId);
    return rows.map((r) => ({ id: r.id, code: r.code, status: r.status, qrUrl: qrUrl(r.id), ticketTypeId: r.ticketTypeId }));
  }

  async timelineFor(orderId: string, trace?: Trace): Promise<TimelineItem[]> {
    return withTrace({ correlationId: orderId, ...trace }, () => ticketTimeline(dbOf(this.env), orderId));
  }

  async holdersForEventsStartingBetween(fromIso: string, toIso: string): Promise<EventHolders[]> {
    const from = Date.parse(fromIso);
    const to = Date.parse(toIso);
    if (Number.isNaN(from) || Number.isNaN(to)) throw new Error("fromIso and toIso must be ISO dates");
    const log = createLogger({ service: "tickets", rpc: "holdersForEventsStartingBetween" });
    return holdersForEventsStartingBetween({ db: dbOf(this.env), events: this.env.EVENTS_RPC, log }, from, to);
  }
}
