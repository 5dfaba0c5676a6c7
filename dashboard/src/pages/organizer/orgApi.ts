/** Organizer calls shared by the organizer pages, through the one client. */
import { api, call } from "../../api/client";
import type { paths } from "../../api/schema";
import type { EventDetail, EventSummary, List, Order, Refund, Schemas, TicketType } from "../../api/types";

export type OrdersQuery = NonNullable<paths["/api/orders"]["get"]["parameters"]["query"]> & { eventId: string };

export async function listEventOrders(query: OrdersQuery): Promise<List<Order>> {
  return call(api.GET("/api/orders", { params: { query } }));
}

export async function refundOrder(orderId: string, body: Schemas["RefundRequest"]): Promise<Refund> {
  const { refund } = await call(api.POST("/api/orders/{id}/refund", { params: { path: { id: orderId } }, body }));
  return refund;
}

export async function getRefund(id: string): Promise<Refund> {
  const { refund } = await call(api.GET("/api/refunds/{id}", { params: { path: { id } } }));
  return refund;
}

export type EventFields = Schemas["CreateEvent"];

export async function createEvent(body: EventFields): Promise<Schemas["Event"]> {
  const { event } = await call(api.POST("/api/events", { body }));
  return event;
}

export async function updateEvent(id: string, body: Schemas["UpdateEvent"]): Promise<void> {
  await call(api.PATCH("/api/events/{id}", { params: { path: { id } }, body }));
}

/** The organizer's own events (drafts included), the first 100: for pickers and filters. */
export async function listMyEvents(): Promise<EventSummary[]> {
  const page = await call(api.GET("/api/events", { params: { query: { mine: "true", limit: 100 } } }));
  return page.items;
}

export async function getEvent(id: string): Promise<EventDetail> {
  const { event } = await call(api.GET("/api/events/{id}", { params: { path: { id } } }));
  return event;
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
