import type { OrderItemRow, OrderRow } from "../db/schema";
import type { PricedItem, TicketView } from "../ports";
import type { OrderStatus } from "./status";

export type OrderView = {
  id: string;
  eventId: string;
  status: OrderStatus;
  totalVnd: number;
  items: PricedItem[];
  holdExpiresAt: string;
  createdAt: string;
  updatedAt: string;
  tickets?: Array<{ id: string; code: string; status: TicketView["status"]; qrUrl: string; ticketTypeId: string }>;
};

export const itemsOf = (items: OrderItemRow[]): PricedItem[] =>
  items.map((i) => ({ ticketTypeId: i.ticketTypeId, name: i.name, unitPriceVnd: i.unitPriceVnd, quantity: i.quantity }));

export function orderView(row: OrderRow, items: OrderItemRow[]): OrderView {
  return {
    id: row.id,
    eventId: row.eventId,
    status: row.status as OrderStatus,
    totalVnd: row.totalVnd,
    items: itemsOf(items),
    holdExpiresAt: new Date(row.holdExpiresAt).toISOString(),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
