import { eq } from "drizzle-orm";
import type { Role } from "@tickets/common";
import type { AuthDb } from "../db/client";
import { users } from "../db/schema";

export type UserRow = typeof users.$inferSelect;
export type Locale = "vi" | "en";
export type PublicUser = { id: string; email: string; name: string; roles: Role[]; locale: Locale; phone: string | null };

/** Emails are compared and stored trimmed and lower-cased. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export const toPublicUser = (u: UserRow): PublicUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  roles: u.roles,
  locale: u.locale,
  phone: u.phone ?? null,
});

export const findUserByEmail = (db: AuthDb, email: string) =>
  db.select().from(users).where(eq(users.email, normaliseEmail(email))).get();

export const findUserById = (db: AuthDb, id: string) => db.select().from(users).where(eq(users.id, id)).get();
