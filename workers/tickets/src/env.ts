/** What tickets needs from the events worker (its EventsRpc entrypoint, see INTERFACES.md). */
export interface EventsApi {
  getEventAccess(
    eventId: string,
    userId: string,
  ): Promise<{ exists: boolean; organizerId: string | null; isOrganizer: boolean; isStaff: boolean }>;
  getEventSummary(eventId: string): Promise<{
    id: string;
    title: string;
    venue: string;
    city: string | null;
    startsAt: string;
    endsAt: string;
    status: "draft" | "published";
    organizerId: string;
  } | null>;
}

export type Env = {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  TICKETS_BUCKET: R2Bucket;
  NOTIFICATIONS_INBOX: Queue;
  EVENTS_RPC: EventsApi;
  /** Private ES256 JWK (with kid) that signs ticket codes. */
  TICKET_SIGNING_JWK: string;
  /** JSON JWKS of retired public keys still accepted (optional `expiresAt` ISO per key). */
  TICKET_PREVIOUS_PUBLIC_JWKS?: string;
};
