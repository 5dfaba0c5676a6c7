import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { ulid } from "ulid";
import { auditPayload, makeEvent, outboxInsertIf, ApiError, type Actor } from "@tickets/common";
import { staffInvites, type StaffRow } from "../db/schema";
import type { Env } from "../env";
import { loadManagedEvent, type Db } from "./access";
import { toIso } from "./validate";

/** As the auth worker stores it (findUserByEmail normalises the same way). */
const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** What an organizer sees of an invite: the address they typed, never whose account it is. */
export const staffJson = (s: StaffRow) => ({ id: s.id, eventId: s.eventId, email: s.email, invitedAt: toIso(s.createdAt) });

const staffAudit = (who: { userId: string }, actor: Actor, action: "staff.invite" | "staff.revoke", row: { id: string; eventId: string }) =>
  makeEvent("AuditRecorded", auditPayload({ userId: who.userId, ip: actor.ip }, "events", action, `staff:${row.id}`, { eventId: row.eventId }));

/**
 * POST /api/events/:id/staff. Invites an address: the account with that address, now or once it
 * signs up, may check tickets in. The answer is the same whether or not such an account exists
 * (so an organizer cannot probe who has an account); inviting the same address again answers the
 * same invite. Audited once, when the invite is created.
 */
export async function inviteStaff(env: Env, db: Db, actor: Actor, eventId: string, rawEmail: string) {
  const { who } = await loadManagedEvent(db, eventId, actor.identity);
  const email = normaliseEmail(rawEmail);
  const existing = await db.select().from(staffInvites).where(and(eq(staffInvites.eventId, eventId), eq(staffInvites.email, email))).get();
  if (existing) return staffJson(existing);
  // Known now or resolved on the account's first access check (isStaff): same answer either way.
  const account = await env.AUTH_RPC.findUserByEmail(email).catch(() => null);
  const row: StaffRow = { id: ulid(), eventId, email, userId: account?.id ?? null, invitedBy: who.userId, createdAt: Date.now() };
  await db.batch([
    db.insert(staffInvites).values(row).onConflictDoNothing(),
    outboxInsertIf(db, staffAudit(who, actor, "staff.invite", row), sql`EXISTS (SELECT 1 FROM staff_invites WHERE id = ${row.id})`),
  ]);
  const stored = await db.select().from(staffInvites).where(and(eq(staffInvites.eventId, eventId), eq(staffInvites.email, email))).get();
  return staffJson(stored!);
}

/** DELETE /api/events/:id/staff/:staffId: the invite and the check-in rights it gave end at once. */
export async function revokeStaff(db: Db, actor: Actor, eventId: string, staffId: string) {
  const { who } = await loadManagedEvent(db, eventId, actor.identity);
  const [deleted] = await db.batch([
    db.delete(staffInvites).where(and(eq(staffInvites.id, staffId), eq(staffInvites.eventId, eventId))),
    outboxInsertIf(db, staffAudit(who, actor, "staff.revoke", { id: staffId, eventId }), sql`changes() = 1`),
  ]);
  if ((deleted as unknown as D1Result).meta.changes === 0) throw new ApiError(404, "staff_not_found", "No such staff invite on this event");
}

export async function listStaff(db: Db, identity: Actor["identity"], eventId: string, page: { limit: number; cursor?: string }) {
  await loadManagedEvent(db, eventId, identity);
  const rows = await db
    .select()
    .from(staffInvites)
    .where(and(eq(staffInvites.eventId, eventId), page.cursor ? gt(staffInvites.id, page.cursor) : undefined))
    .orderBy(asc(staffInvites.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  return { items: items.map(staffJson), nextCursor: rows.length > page.limit ? items.at(-1)!.id : null };
}

/**
 * Pending invites (no account known yet) whose address is this user's become theirs. One auth
 * call, and only when some invite is pending (for `eventId`, or anywhere).
 */
async function claimInvites(env: Env, db: Db, userId: string, eventId?: string) {
  const pending = await db
    .select({ id: staffInvites.id })
    .from(staffInvites)
    .where(and(isNull(staffInvites.userId), eventId ? eq(staffInvites.eventId, eventId) : undefined))
    .limit(1)
    .get();
  if (!pending) return;
  const user = await env.AUTH_RPC.getUser(userId);
  if (!user) return;
  await db
    .update(staffInvites)
    .set({ userId })
    .where(and(isNull(staffInvites.userId), eq(staffInvites.email, normaliseEmail(user.email)), eventId ? eq(staffInvites.eventId, eventId) : undefined));
}

export async function isStaff(env: Env, db: Db, eventId: string, userId: string) {
  const mine = () => db.select({ id: staffInvites.id }).from(staffInvites).where(and(eq(staffInvites.eventId, eventId), eq(staffInvites.userId, userId))).get();
  if (await mine()) return true;
  await claimInvites(env, db, userId, eventId);
  return !!(await mine());
}

/** The events this user is staff of (pending invites for their address claimed first). */
export async function staffedEventIds(env: Env, db: Db, userId: string) {
  await claimInvites(env, db, userId);
  return (await db.select({ id: staffInvites.eventId }).from(staffInvites).where(eq(staffInvites.userId, userId)).all()).map((r) => r.id);
}
