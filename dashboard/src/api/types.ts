/**
 * Routes of the public contract that the committed OpenAPI snapshot (openapi.json) does not
 * describe yet, written in openapi-typescript's `paths` format so the ONE client in client.ts
 * types them like the generated ones. A route that later appears in the snapshot wins over
 * the entry here (see `Paths` in client.ts); test/api-types.test.ts lists the entries that
 * have become redundant so they can be deleted.
 */
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type User = Schemas["User"];
export type EventSummary = Schemas["EventListItem"] & EventZone;
export type EventDetail = Schemas["EventDetail"] & EventZone;
export type TicketType = Schemas["TicketType"];
export type Order = Schemas["Order"];
export type OrderStatus = Order["status"];
export type OrderTicket = Schemas["OrderTicket"];
export type Refund = Schemas["Refund"];
export type ApiErrorBody = Schemas["Error"];
export type Category = Schemas["Category"];
export type SupportTicket = Schemas["SupportTicket"];
export type SupportTicketSummary = Schemas["SupportTicketSummary"];
export type SalesReport = Schemas["EventSales"];
export type SalesPoint = paths["/api/reports/events/{id}/sales/series"]["get"]["responses"][200]["content"]["application/json"]["items"][number];
export type OrganizerSummary = Schemas["OrganizerSalesSummary"];
export type CancellationProgress = Schemas["CancellationProgress"];

/** An event's own time zone: not served by the API yet; pages fall back to Vietnam time. */
type EventZone = { timezone?: string | null };

/** Contract routes the snapshot does not describe yet (ContractPaths below). */
export type TimelineItem = { at: string; service: string; step: string; detail?: Record<string, unknown> };
/** `partial`: a service did not answer in time; its steps are missing and an `unavailable` item names it. */
export type OrderTimeline = { items: TimelineItem[]; partial: boolean };
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
type OpNoBody<P, Res, Status extends number = 200> = {
  parameters: P;
  requestBody?: never;
  responses: { [S in Status]: Json<Res> } & Errors;
};
type Id = { id: string };

export interface ContractPaths {
  "/api/orders/{id}/timeline": { parameters: NoParams; get: OpNoBody<Params<Id, never>, OrderTimeline> };
  "/api/events/{id}/queue": { parameters: NoParams; post: OpNoBody<Params<Id, never>, QueueState> };
  "/api/events/{id}/queue/me": { parameters: NoParams; get: OpNoBody<Params<Id, never>, QueueState> };
  "/api/events/{id}/staff/{staffId}": {
    parameters: NoParams;
    delete: { parameters: Params<Id & { staffId: string }, never>; requestBody?: never; responses: { 204: { headers: { [name: string]: unknown }; content?: never } } & Errors };
  };
}

/** The entries above as data, so a test can tell when the snapshot has caught up with one. */
export const CONTRACT_ONLY_ROUTES = {
  "/api/orders/{id}/timeline": ["get"],
  "/api/events/{id}/queue": ["post"],
  "/api/events/{id}/queue/me": ["get"],
  "/api/events/{id}/staff/{staffId}": ["delete"],
} as const satisfies { [P in keyof ContractPaths]: readonly Exclude<keyof ContractPaths[P], "parameters">[] };
