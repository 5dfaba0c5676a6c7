/**
 * Organizer calls whose query or body fields the committed OpenAPI snapshot does not list yet
 * (`GET /api/orders?eventId=&status=&q=`, the organizer's `amountVnd` on a refund, `categoryId`).
 * They still go through the one client: the values are typed here and passed as variables, so
 * openapi-fetch sends every field. Once `npm run api:types` picks the fields up, these wrappers
 * become plain calls.
 */
import { api, call } from "../../api/client";
import type { EventDetail, EventSummary, List, Order, Refund, TicketType } from "../../api/types";

export type EventOrder = Order & { buyerEmail?: string };
export type OrdersQuery = { eventId: string; status?: string; q?: string; cursor?: string; limit?: number };

export async function listEventOrders(query: OrdersQuery): Promise<List<EventOrder>> {
  const params: { query: OrdersQuery } = { query };
  return call(api.GET("/api/orders", { params })) as Promise<List<EventOrder>>;
}

export type OrganizerRefundBody = { reason: string; amountVnd?: number };
export async function refundOrder(orderId: string, body: OrganizerRefundBody): Promise<Refund> {
  const { refund } = await call(api.POST("/api/orders/{id}/refund", { params: { path: { id: orderId } }, body }));
  return refund as Refund;
}

export async function getRefund(id: string): Promise<Refund> {
  const { refund } = await call(api.GET("/api/refunds/{id}", { params: { path: { id } } }));
  return refund as Refund;
}

export type RefundPolicy = { fullRefundUntilHours: number; partialRefundUntilHours: number; partialRefundPercent: number };
export type EventFields = {
  title: string;
  description: string;
  venue: string;
  city: string | null;
  startsAt: string;
  endsAt: string;
  refundPolicy: RefundPolicy;
  categoryId?: string;
};

export async function createEvent(body: EventFields): Promise<EventDetail> {
  const { event } = await call(api.POST("/api/events", { body }));
  return event as unknown as EventDetail;
}

export async function updateEvent(id: string, body: Partial<EventFields>): Promise<void> {
  await call(api.PATCH("/api/events/{id}", { params: { path: { id } }, body }));
}

/** The organizer's own events (drafts included), the first 100: for pickers and filters. */
export async function listMyEvents(): Promise<EventSummary[]> {
  const page = await call(api.GET("/api/events", { params: { query: { mine: "true", limit: 100 } } }));
  return page.items as EventSummary[];
}

export async function getEvent(id: string): Promise<EventDetail> {
  const { event } = await call(api.GET("/api/events/{id}", { params: { path: { id } } }));
  return event as unknown as EventDetail;
}

/** Sold (or held) tickets of a ticket type as the availability figures show them. */
export const soldOf = (tt: Pick<TicketType, "quantity" | "available">) => Math.max(0, tt.quantity - tt.available);

/** Refund ids this browser started or retried, per order (the contract has no refund list per order). */
const REFUNDS_KEY = "edge-tickets.org-refunds";
export const rememberedRefunds = {
  all(): Record<string, string> {
    try {
      return JSON.parse(localStorage.getItem(REFUNDS_KEY) ?? "{}") as Record<string, string>;
    } catch {
      return {};
    }
  },
  set(orderId: string, refundId: string) {
    localStorage.setItem(REFUNDS_KEY, JSON.stringify({ ...rememberedRefunds.all(), [orderId]: refundId }));
  },
};

/** Events created in this tab (their page greets them with what to do next; the URL stays clean). */
export const justCreated = new Set<string>();
