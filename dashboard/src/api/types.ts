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

export type OrderTimeline = Schemas["OrderTimeline"];
export type TimelineItem = Schemas["TimelineItem"];
export type QueueStatus = Schemas["QueueStatus"];
export type QueueStats = Schemas["QueueStats"];
export type QueueSettings = Schemas["QueueSettings"];
export type StaffInvite = Schemas["StaffInvite"];
export type List<T> = { items: T[]; nextCursor: string | null };

/**
 * Contract routes the snapshot lacks, in openapi-typescript's `paths` shape, e.g.
 *   "/api/things/{id}": { parameters: {…}; get: { parameters: { path: { id: string } }; requestBody?: never;
 *     responses: { 200: { headers: {…}; content: { "application/json": Thing } } } } };
 * None today: the snapshot of 2026-11-28 describes every route the dashboard calls.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ContractPaths {}

/** The entries above as data, so a test can tell when the snapshot has caught up with one. */
export const CONTRACT_ONLY_ROUTES = {} as const satisfies { [P in keyof ContractPaths]: readonly Exclude<keyof ContractPaths[P], "parameters">[] };
