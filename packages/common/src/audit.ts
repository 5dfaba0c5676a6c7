import type { EventPayload } from "./events";
import type { Identity } from "./identity";

/**
 * Audit log of organizer and admin actions. The worker that owns the data builds the payload
 * here and writes `makeEvent("AuditRecorded", …)` through its outbox in the same D1 batch as
 * the change (guarded like the change), so an action and its audit row cannot diverge; the
 * reports worker stores the rows and serves GET /api/admin/audit.
 */
export const AUDIT_ACTIONS = [
  "event.create",
  "event.update",
  "event.publish",
  "event.cancel",
  "ticket_type.create",
  "ticket_type.update",
  "staff.invite",
  "staff.revoke",
  "refund.request",
  "refund.retry",
  "support.reply",
  "support.status",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The client address as Cloudflare saw it (the gateway forwards the header untouched). */
export const CLIENT_IP_HEADER = "cf-connecting-ip";
export const clientIpOf = (headers: Headers): string | null => headers.get(CLIENT_IP_HEADER)?.slice(0, 64) ?? null;

/** Who acted, from where: what a route hands its domain function for the audit row. */
export type Actor = { identity: Identity | null; ip: string | null };
export const actorOf = (identity: Identity | null | undefined, headers: Headers): Actor => ({ identity: identity ?? null, ip: clientIpOf(headers) });

export type AuditDetails = NonNullable<EventPayload<"AuditRecorded">["details"]>;

export function auditPayload(
  actor: { userId: string; ip: string | null },
  service: string,
  action: AuditAction,
  target: string,
  details?: AuditDetails,
): EventPayload<"AuditRecorded"> {
  return { actorId: actor.userId, action, target, ip: actor.ip, at: new Date().toISOString(), service, ...(details && { details }) };
}

/** Organizer and admin actions are audited; a buyer acting on their own things is not. */
export const isAuditedActor = (identity: Identity) => identity.roles.includes("organizer") || identity.roles.includes("admin");
