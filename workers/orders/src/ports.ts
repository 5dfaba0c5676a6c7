/**
 * What orders calls on other workers, typed from their own declarations (type-only imports:
 * nothing of theirs is bundled here).
 */
import type { EventInventory } from "../../../durable-objects/event-inventory";
import type { EventsRpc } from "../../events/src/rpc";
import type { PaymentsRpc } from "../../payments/src/rpc";
import type { OrderTicket, TicketsApi as TicketsRpcApi } from "../../tickets/src/rpc";
import type { RefundsRpc } from "../../refunds/src/rpc";

export type { HoldItem, PricedItem, HoldFailureCode, HoldResult, CommitResult } from "../../../durable-objects/inventory/types";

export type InventoryApi = Pick<EventInventory, "hold" | "release" | "commit" | "restock">;
export type EventsApi = Pick<EventsRpc, "getEventAccess">;
export type PaymentsApi = Pick<PaymentsRpc, "createPaymentUrl">;
export type TicketView = OrderTicket;
export type TicketsApi = Pick<TicketsRpcApi, "ticketsForOrder">;
export type RefundsApi = Pick<RefundsRpc, "refundForCancellation" | "cancellationRefundCounts">;
