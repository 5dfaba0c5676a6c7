/** The EventInventory RPC contract (methods and answers documented in durable-objects/README.md); other workers `import type` these. */

export type HoldItem = { ticketTypeId: string; quantity: number };
export type PricedItem = HoldItem & { name: string; unitPriceVnd: number };

export type HoldFailureCode = "sold_out" | "limit_exceeded" | "sales_closed" | "unknown_ticket_type" | "not_on_sale" | "hold_ended";

export type HoldResult =
  | { ok: true; orderId: string; expiresAt: string; items: PricedItem[]; totalVnd: number; alreadyHeld: boolean }
  | { ok: false; code: HoldFailureCode; message: string; details?: unknown };

export type HoldRequest = {
  orderId: string;
  eventId: string;
  buyerId: string;
  items: HoldItem[];
  ttlSeconds: number;
  /**
   * What to do when this orderId's earlier hold was released or expired: hold again (true, the
   * default: a late payment) or answer `hold_ended` and hold nothing (false: a checkout retry
   * must not take stock again for an order that already ended).
   */
  rehold?: boolean;
  /** Set by the router (inventory/shards.ts) when the event is sharded: which shard this is. */
  shard?: { index: number; count: number };
};

export type CommitResult = { ok: true; alreadyCommitted: boolean } | { ok: false; code: "hold_not_found" | "hold_expired" };

export type Availability = { ticketTypeId: string; quantity: number; held: number; sold: number; available: number };

/** What the events worker pushes on every change (times in ms since the epoch). */
export type InventoryTicketType = {
  id: string;
  name: string;
  priceVnd: number;
  quantity: number;
  maxPerOrder: number;
  salesStartAt: number | null;
  salesEndAt: number | null;
};

export type InventoryConfig = {
  eventId: string;
  /** The event's revision in the events D1 once this change is written there. */
  revision: number;
  /** "cancelled" is final: the object keeps it whatever a later configuration says. */
  status: "draft" | "published" | "cancelled";
  startsAt: number;
  endsAt: number;
  ticketTypes: InventoryTicketType[];
  /**
   * Split the stock over this many shard objects (a hot event). Without it the object decides by
   * the events worker's INVENTORY_HOT_TICKETS threshold. Only taken while nothing was ever held.
   */
  shards?: number;
};

export type QuantityConflict = { ticketTypeId: string; quantity: number; held: number; sold: number };

export type ConfigureResult =
  | { ok: true; availability: Availability[] }
  | { ok: false; code: "quantity_below_sold_or_held"; message: string; details: QuantityConflict[] }
  /** Another change got here first (compare-and-set on the revision); configuredAt says when. */
  | { ok: false; code: "revision_conflict"; message: string; revision: number; configuredAt: number };

/** Counters next to what the hold rows say they should be (tests and operators). */
export type AuditRow = Availability & { heldFromHolds: number; soldFromHolds: number };

/** What cancel() did: the orders whose active holds it released (empty when called again). */
export type CancelResult = { cancelled: boolean; releasedOrderIds: string[] };

/** How to reach an event's stock: `shards` objects by buyer; `fixed` once it can no longer change. */
export type RouteInfo = { shards: number; fixed: boolean };

/**
 * A sharded event's exact stock, read from every shard (tests, benchmarks, operators). Per ticket
 * type: quantity = pool + inTransit + Σ shard quantity, and held + sold + available = quantity.
 */
export type CensusRow = Availability & { pool: number; inTransit: number; shardQuantity: number[] };
