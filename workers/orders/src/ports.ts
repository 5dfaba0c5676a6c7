/**
 * What orders needs from other workers, typed as INTERFACES.md fixes them (kept here rather
 * than imported so this worker compiles and tests on its own).
 */
export type HoldItem = { ticketTypeId: string; quantity: number };
export type PricedItem = HoldItem & { name: string; unitPriceVnd: number };
export type HoldFailureCode = "sold_out" | "limit_exceeded" | "sales_closed" | "unknown_ticket_type" | "not_on_sale" | "hold_ended";
export type HoldResult =
  | { ok: true; orderId: string; expiresAt: string; items: PricedItem[]; totalVnd: number; alreadyHeld: boolean }
  | { ok: false; code: HoldFailureCode; message: string; details?: unknown };
export type CommitResult = { ok: true; alreadyCommitted: boolean } | { ok: false; code: "hold_not_found" | "hold_expired" };

export interface InventoryApi {
  /** `rehold: false`: an order whose hold was released or expired answers `hold_ended` (default: holds again). */
  hold(req: { orderId: string; eventId: string; buyerId: string; items: HoldItem[]; ttlSeconds: number; rehold?: boolean }): Promise<HoldResult>;
  release(orderId: string): Promise<{ released: boolean }>;
  commit(orderId: string): Promise<CommitResult>;
}

export interface EventsApi {
  getEventAccess(
    eventId: string,
    userId: string,
  ): Promise<{ exists: boolean; organizerId: string | null; isOrganizer: boolean; isStaff: boolean }>;
}

export interface PaymentsApi {
  createPaymentUrl(input: {
    orderId: string;
    amountVnd: number;
    expiresAt: string;
    orderInfo: string;
    publicOrigin: string;
    clientIp: string;
    locale: "vn" | "en";
  }): Promise<{ paymentUrl: string; txnRef: string }>;
}

export type TicketView = { id: string; code: string; status: "valid" | "checked_in" | "void"; qrUrl: string; ticketTypeId: string };
export interface TicketsApi {
  ticketsForOrder(orderId: string): Promise<TicketView[]>;
}
