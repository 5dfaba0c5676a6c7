import type { TicketsApi } from "../../tickets/src/rpc";

export type Locale = "vi" | "en";

/** What notifications needs from other workers (their RPC entrypoints, see INTERFACES.md). */
export interface AuthApi {
  getUser(id: string): Promise<{ id: string; email: string; name: string; locale: Locale; phone: string | null } | null>;
}
export interface EventsApi {
  getEventSummary(eventId: string): Promise<{ id: string; title: string; venue: string; city: string | null; startsAt: string } | null>;
}
export interface OrdersApi {
  getOrder(orderId: string): Promise<{
    id: string;
    eventId: string;
    buyerId: string;
    buyerEmail: string;
    totalVnd: number;
    items: Array<{ ticketTypeId: string; quantity: number; name: string; unitPriceVnd: number }>;
  } | null>;
}

export type Env = {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  AUTH_RPC: AuthApi;
  EVENTS_RPC: EventsApi;
  ORDERS_RPC: OrdersApi;
  TICKETS_RPC: Pick<TicketsApi, "holdersForEventsStartingBetween">;
  /** Our own inbox: the reminder cron enqueues EventReminderDue here (same retries as saga events). */
  NOTIFICATIONS_INBOX: Queue;
  /** "local" (default: record deliveries in D1) or "http" (the providers below). */
  NOTIFY_DRIVER?: string;
  /** Absolute origin for links in messages, e.g. https://tickets.example.com */
  PUBLIC_BASE_URL?: string;
  EMAIL_FROM?: string;
  EMAIL_API_URL?: string;
  EMAIL_API_KEY?: string;
  SMS_API_URL?: string;
  SMS_API_KEY?: string;
  SMS_FROM?: string;
};
