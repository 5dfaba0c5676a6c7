import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { errors, type Envelope } from "@tickets/common";
import type { Db } from "../db/client";
import { auditLog, type AuditRow } from "../db/schema";

/** AuditRecorded → one row, keyed by the envelope id (a redelivery inserts nothing). */
export async function recordAudit(db: Db, e: Envelope<"AuditRecorded">, now = Date.now()) {
  const p = e.payload;
  await db
    .insert(auditLog)
    .values({
      id: e.id,
      at: p.at,
      actorId: p.actorId,
      action: p.action,
      target: p.target,
      ip: p.ip,
      service: p.service,
      details: p.details ? JSON.stringify(p.details) : null,
      recordedAt: now,
    })
    .onConflictDoNothing();
}

export const auditView = (r: AuditRow) => ({
  id: r.id,
  at: r.at,
  actorId: r.actorId,
  action: r.action,
  target: r.target,
  ip: r.ip,
  service: r.service,
  details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
});

// The cursor is the last row's (at, id), base64url: newest first, stable under inserts.
const encodeCursor = (r: AuditRow) => btoa(JSON.stringify([r.at, r.id])).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "string")) return v as [string, string];
  } catch {
    // falls through
  }
  throw errors.invalidRequest("cursor is not one this endpoint gave out");
}

/** GET /api/admin/audit: newest first, optionally one actor's, cursor-paged. */
export async function listAudit(db: Db, q: { actorId?: string; limit: number; cursor?: string }) {
  const conds: SQL[] = [];
  if (q.actorId) conds.push(eq(auditLog.actorId, q.actorId));
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor);
    conds.push(or(lt(auditLog.at, at), and(eq(auditLog.at, at), lt(auditLog.id, id)))!);
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(q.limit + 1);
  const items = rows.slice(0, q.limit);
  return { items: items.map(auditView), nextCursor: rows.length > q.limit ? encodeCursor(items.at(-1)!) : null };
}
