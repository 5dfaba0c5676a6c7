/** The EventInventory RPC contract (methods and answers documented in durable-objects/README.md); other workers `import type` these. */

export type HoldItem = { ticketTypeId: string; quantity: number };
export type PricedItem = HoldItem & { name: string; unitPriceVnd: number };

export type HoldFailureCode =
  | "sold_out"
  | "limit_exceeded"
  | "sales_closed"
  | "unknown_ticket_type"
  | "not_on_sale"
  | "hold_ended"
  /** Hoarding defence (HoldRequest.guard): this client address holds too many unpaid orders of the event. */
  | "client_limit_exceeded"
  /** This buyer's last unpaid hold of the event ended (cancelled, expired, payment failed) too recently; details.retryAfterSeconds. */
  | "hold_cooldown"
  /** The event is in demand (hot) and this request carries no verified human challenge. */
  | "challenge_required"
  /** The event's waiting room is on and this checkout has no valid pass (HoldRequest.queueAdmitted). */
  | "queue_required";

/**
 * Anti-hoarding rules a checkout asks for (a late payment's re-hold passes none: it is paid).
 * They are checked after the request's own earlier hold is answered, so a retry is never refused.
 */
export type HoldGuard = {
  /** Who is asking, by client address; active holds are counted per address across accounts. */
  clientKey: string | null;
  /** At most this many active (unpaid) holds of this event per client address (0: no limit). */
  maxActivePerClient: number;
  /** After a hold of this buyer for this event ended unpaid, no new hold for this long (0: none). */
  cooldownSeconds: number;
  /** At least this many holds made in the last minute make the event hot (0: never hot). */
  hotHoldsPerMinute: number;
  /** The request passed a human challenge (Turnstile), verified by the caller. */
  humanVerified: boolean;
};

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
  /** The caller's request id and correlation id, for the object's log line (common's Trace). */
  trace?: { requestId?: string; correlationId?: string };
  guard?: HoldGuard;
  /**
   * A buyer's checkout (POST /api/orders) says whether it came with a valid waiting-room pass
   * (orders checks the signature itself). While the event's room is on, false is refused with
   * `queue_required`; undefined (the saga's own re-holds of late payments) is never checked.
   * Checkout attempts also count towards the automatic switch-on.
   */
  queueAdmitted?: boolean;
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
  /** The waiting room: on (organizer, admin), and the checkout attempts per minute that switch it on by itself (null: never). */
  queue?: { on: boolean; autoThresholdPerMinute: number | null };
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
