/**
 * Routes of the public contract that the committed OpenAPI snapshot (openapi.json) does not
 * describe yet, written in openapi-typescript's `paths` format so the ONE client in client.ts
 * types them like the generated ones. A route that later appears in the snapshot wins over
 * the entry here (see `Paths` in client.ts); test/api-types.test.ts lists the entries that
 * have become redundant so they can be deleted.
 */
import type { components } from "./schema";

export type Schemas = components["schemas"];
export type User = Schemas["User"];
export type EventSummary = Omit<Schemas["EventListItem"], "status"> & Extras;
export type EventDetail = Omit<Schemas["EventDetail"], "status"> & Extras;
export type TicketType = Schemas["TicketType"];
export type Order = Schemas["Order"];
export type OrderStatus = Order["status"];
export type OrderTicket = Schemas["OrderTicket"];
export type Refund = Schemas["Refund"] & { failureReason?: string };
export type ApiErrorBody = Schemas["Error"];

/** Event fields from the v1.1 contract not in the snapshot yet. */
type Extras = { categoryId?: string | null; timezone?: string | null; status: "draft" | "published" | "cancelled" };

export type Category = { id: string; name: { vi: string; en: string } };
/** "open" | "answered" | "closed" (the support worker may add more) */
export type SupportTicketStatus = string;
export type SupportMessage = { id: string; authorId: string; message: string; createdAt: string };
export type SupportTicket = {
  id: string;
  subject: string;
  status: SupportTicketStatus;
  orderId?: string | null;
  eventId?: string | null;
  createdAt?: string;
  updatedAt?: string;
  messages?: SupportMessage[];
};
export type SalesByTicketType = { ticketTypeId: string; name?: string; ticketsSold: number; capacity?: number; grossVnd: number; refundedVnd?: number; netVnd?: number };
export type SalesByDay = { day: string; ticketsSold: number; grossVnd: number };
export type SalesReport = {
  ticketsSold: number;
  grossVnd: number;
  refundedVnd: number;
  netVnd: number;
  byTicketType: SalesByTicketType[];
  byDay: SalesByDay[];
};
export type SalesPoint = { at: string; ticketsSold: number; grossVnd: number };
export type OrganizerSummary = {
  events: { eventId: string; title: string; ticketsSold: number; grossVnd: number; refundedVnd: number; netVnd: number }[];
  totals: { ticketsSold: number; grossVnd: number; refundedVnd: number; netVnd: number };
};
export type CancellationProgress = { total: number; succeeded: number; failed: number; pending: number };
export type TimelineItem = { at: string; service: string; step: string; detail?: unknown };
export type QueueState = { position: number; estimatedWaitSeconds: number; state: "waiting" | "admitted"; pass?: string };
export type List<T> = { items: T[]; nextCursor: string | null };
/** A door-staff invite (POST/GET /api/events/{id}/staff answer this since invites replaced grants; the snapshot still shows the old grant). */
export type StaffInvite = { id: string; eventId: string; email: string; invitedAt: string };

// ── openapi-typescript shaped helpers ────────────────────────────────────────
type Json<T> = { headers: { [name: string]: unknown }; content: { "application/json": T } };
type Errors = { default: Json<ApiErrorBody> };
type Params<Path, Query> = {
  query?: Query;
  header?: never;
  path: Path;
  cookie?: never;
};
type NoParams<Query = never> = { query?: Query; header?: never; path?: never; cookie?: never };
type Op<P, Body, Res, Status extends number = 200> = {
  parameters: P;
  requestBody: [Body] extends [never] ? never : { content: { "application/json": Body } };
  responses: { [S in Status]: Json<Res> } & Errors;
};
type OpNoBody<P, Res, Status extends number = 200> = {
  parameters: P;
  requestBody?: never;
  responses: { [S in Status]: Json<Res> } & Errors;
};
type Id = { id: string };

export interface ContractPaths {
  "/api/categories": { parameters: NoParams; get: OpNoBody<NoParams, { items: Category[] }> };
  "/api/events/{id}/cancel": { parameters: NoParams; post: Op<Params<Id, never>, { reason: string }, { event: EventDetail }, 202> };
  "/api/events/{id}/cancellation": { parameters: NoParams; get: OpNoBody<Params<Id, never>, CancellationProgress> };
  "/api/refunds/{id}/retry": { parameters: NoParams; post: OpNoBody<Params<Id, never>, { refund: Refund }, 202> };
  "/api/orders/{id}/timeline": { parameters: NoParams; get: OpNoBody<Params<Id, never>, { items: TimelineItem[] }> };
  "/api/support/tickets": {
    parameters: NoParams;
    get: OpNoBody<NoParams<{ limit?: number; cursor?: string; status?: string; eventId?: string }>, List<SupportTicket>>;
    post: Op<NoParams, { subject: string; message: string; orderId?: string }, { ticket: SupportTicket }, 201>;
  };
  "/api/support/tickets/{id}": {
    parameters: NoParams;
    get: OpNoBody<Params<Id, never>, { ticket: SupportTicket }>;
    patch: Op<Params<Id, never>, { status: SupportTicketStatus }, { ticket: SupportTicket }>;
  };
  "/api/support/tickets/{id}/messages": { parameters: NoParams; post: Op<Params<Id, never>, { message: string }, { message?: SupportMessage }, 201> };
  "/api/reports/events/{id}/sales": { parameters: NoParams; get: OpNoBody<Params<Id, { format?: "json" | "csv" }>, SalesReport> };
  "/api/reports/events/{id}/sales/series": { parameters: NoParams; get: OpNoBody<Params<Id, { minutes?: number }>, { items: SalesPoint[] }> };
  "/api/reports/organizer/summary": { parameters: NoParams; get: OpNoBody<NoParams, OrganizerSummary> };
  "/api/events/{id}/queue": { parameters: NoParams; post: OpNoBody<Params<Id, never>, QueueState> };
  "/api/events/{id}/queue/me": { parameters: NoParams; get: OpNoBody<Params<Id, never>, QueueState> };
  "/api/events/{id}/staff/{staffId}": {
    parameters: NoParams;
    delete: { parameters: Params<Id & { staffId: string }, never>; requestBody?: never; responses: { 204: { headers: { [name: string]: unknown }; content?: never } } & Errors };
  };
}

/** The entries above as data, so a test can tell when the snapshot has caught up with one. */
export const CONTRACT_ONLY_ROUTES = {
  "/api/categories": ["get"],
  "/api/events/{id}/cancel": ["post"],
  "/api/events/{id}/cancellation": ["get"],
  "/api/refunds/{id}/retry": ["post"],
  "/api/orders/{id}/timeline": ["get"],
  "/api/support/tickets": ["get", "post"],
  "/api/support/tickets/{id}": ["get", "patch"],
  "/api/support/tickets/{id}/messages": ["post"],
  "/api/reports/events/{id}/sales": ["get"],
  "/api/reports/events/{id}/sales/series": ["get"],
  "/api/reports/organizer/summary": ["get"],
  "/api/events/{id}/queue": ["post"],
  "/api/events/{id}/queue/me": ["get"],
  "/api/events/{id}/staff/{staffId}": ["delete"],
} as const satisfies { [P in keyof ContractPaths]: readonly Exclude<keyof ContractPaths[P], "parameters">[] };
