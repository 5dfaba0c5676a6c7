import { and, asc, eq, gt } from "drizzle-orm";
import { ApiError, type Identity } from "@tickets/common";
import { eventStaff } from "../db/schema";
import type { Env } from "../env";
import { loadManagedEvent, type Db } from "./access";
import { staffJson } from "./present";

/** Gives an existing user the staff role for one event (idempotent: granting twice is fine). */
export async function grantStaff(env: Env, db: Db, identity: Identity | null, eventId: string, email: string) {
  const { who } = await loadManagedEvent(db, eventId, identity);
  const user = await env.AUTH_RPC.findUserByEmail(email);
  if (!user) throw new ApiError(404, "user_not_found", "No user has this email; they need to register first");
  await db
    .insert(eventStaff)
    .values({ eventId, userId: user.id, email: user.email, name: user.name, grantedBy: who.userId, createdAt: Date.now() })
    .onConflictDoNothing();
  const row = await db.select().from(eventStaff).where(and(eq(eventStaff.eventId, eventId), eq(eventStaff.userId, user.id))).get();
  return staffJson(row!);
}

export async function listStaff(db: Db, identity: Identity | null, eventId: string, page: { limit: number; cursor?: string }) {
  await loadManagedEvent(db, eventId, identity);
  const rows = await db
    .select()
    .from(eventStaff)
    .where(and(eq(eventStaff.eventId, eventId), page.cursor ? gt(eventStaff.userId, page.cursor) : undefined))
    .orderBy(asc(eventStaff.userId))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  return { items: items.map(staffJson), nextCursor: rows.length > page.limit ? items.at(-1)!.userId : null };
}

export async function isStaff(db: Db, eventId: string, userId: string) {
  return !!(await db.select({ userId: eventStaff.userId }).from(eventStaff).where(and(eq(eventStaff.eventId, eventId), eq(eventStaff.userId, userId))).get());
}
