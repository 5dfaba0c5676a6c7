/** The WaitingRoom RPC contract (durable-objects/README.md); the events worker `import type`s these. */

/** What the events worker pushes whenever the event or its room settings change (times in ms). */
export type RoomConfig = {
  eventId: string;
  /** Published and not cancelled: joins are accepted. */
  open: boolean;
  /** The room is on (organizer, admin force, or switched on by demand): buyers are admitted at the rate. */
  on: boolean;
  admitPerMinute: number;
  /** The on-sale instant: arrivals before it are drawn in random order then. null = on sale already. */
  onSaleAt: number | null;
};

export type RoomState = "waiting" | "admitted";

/** What a buyer sees (POST …/queue, GET …/queue/me and every WebSocket message agree on it). */
export type RoomStatus = {
  state: RoomState;
  /** 1 = next to be admitted; 0 once admitted. Before the draw: how many are in the draw (your place is drawn at on-sale). */
  position: number;
  estimatedWaitSeconds: number;
  /** Set until the pre-sale draw has happened: when it will. */
  drawAt: string | null;
  /** Only when admitted: the signed pass for POST /api/orders (header Queue-Pass) and its expiry. */
  pass?: string;
  passExpiresAt?: string;
};

export type JoinResult = { ok: true; status: RoomStatus; rejoined: boolean } | { ok: false; code: "unconfigured" | "not_on_sale" };

export type RoomStats = {
  eventId: string | null;
  on: boolean;
  admitPerMinute: number;
  /** The rate actually applied in the last tick (lower when checkouts back up). */
  effectivePerMinute: number;
  onSaleAt: string | null;
  drawnAt: string | null;
  beforeDraw: number;
  waiting: number;
  /** Passes still valid. */
  admitted: number;
  admittedTotal: number;
  left: number;
  expired: number;
  /** How long the last one in line waits at the effective rate. */
  estimatedWaitSeconds: number;
  /** Tickets in unpaid holds when last checked (what slows admissions). */
  heldTickets: number;
  /** SQLite bytes of the object (all waiters and indexes). */
  storageBytes: number;
};
