import { and, eq, sql } from "drizzle-orm";
import { ulid } from "ulid";
import { ApiError, type Identity } from "@tickets/common";
import { contactVerifications, verifiedContacts } from "../db/schema";
import type { Db } from "../db/client";
import type { AuthApi } from "../env";
import type { Drivers } from "./drivers";

/**
 * Phone verification: a user proves their number with a 6-digit code sent by SMS before any
 * other SMS goes to it (dispatch checks verified_contacts). Only the code's hash is stored; the
 * local driver's outbox shows the message in development.
 */
export const CODE_TTL_MS = 10 * 60_000;
export const RESEND_AFTER_MS = 60_000;
export const MAX_CODE_ATTEMPTS = 5;

const hashCode = async (userId: string, code: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${userId}:${code}`)))].map((b) => b.toString(16).padStart(2, "0")).join("");

function newCode() {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return String(n % 1_000_000).padStart(6, "0");
}

/** "+84•••••4567": enough for the user to recognise, not enough to harvest. */
export const maskPhone = (phone: string) => `${phone.slice(0, 3)}${"•".repeat(Math.max(0, phone.length - 7))}${phone.slice(-4)}`;

export async function isPhoneVerified(db: Db, userId: string | null, phone: string) {
  if (!userId) return false;
  const row = await db
    .select({ userId: verifiedContacts.userId })
    .from(verifiedContacts)
    .where(and(eq(verifiedContacts.userId, userId), eq(verifiedContacts.channel, "sms"), eq(verifiedContacts.address, phone)))
    .get();
  return !!row;
}

async function phoneOf(auth: AuthApi, who: Identity) {
  const user = await auth.getUser(who.userId);
  if (!user?.phone) throw new ApiError(409, "no_phone", "Your account has no phone number");
  return user.phone;
}

/** POST …/phone/verification: sends a code to the account's phone (one a minute at most). */
export async function requestPhoneCode(deps: { db: Db; auth: AuthApi; drivers: Drivers; now?: number }, who: Identity) {
  const { db } = deps;
  const now = deps.now ?? Date.now();
  const phone = await phoneOf(deps.auth, who);
  if (await isPhoneVerified(db, who.userId, phone)) return { phone: maskPhone(phone), verified: true, expiresAt: null };
  if (!deps.drivers.sms) throw new ApiError(503, "sms_unavailable", "SMS cannot be sent at the moment");
  const pending = await db.select().from(contactVerifications).where(and(eq(contactVerifications.userId, who.userId), eq(contactVerifications.channel, "sms"))).get();
  if (pending && pending.address === phone && now - pending.createdAt < RESEND_AFTER_MS) {
    throw new ApiError(429, "rate_limited", "A code was sent less than a minute ago", { retryAfterSeconds: Math.ceil((pending.createdAt + RESEND_AFTER_MS - now) / 1000) });
  }
  const code = newCode();
  const row = { userId: who.userId, channel: "sms" as const, address: phone, codeHash: await hashCode(who.userId, code), expiresAt: now + CODE_TTL_MS, attempts: 0, createdAt: now };
  await db
    .insert(contactVerifications)
    .values(row)
    .onConflictDoUpdate({ target: [contactVerifications.userId, contactVerifications.channel], set: { address: row.address, codeHash: row.codeHash, expiresAt: row.expiresAt, attempts: 0, createdAt: now } });
  await deps.drivers.sms.send({ id: ulid(), channel: "sms", to: phone, subject: "Verification code", text: `Edge Tickets: your verification code is ${code}. It expires in 10 minutes.`, html: null });
  return { phone: maskPhone(phone), verified: false, expiresAt: new Date(row.expiresAt).toISOString() };
}

/** POST …/phone/verification/confirm: the right code (within 10 minutes, 5 tries) verifies the number. */
export async function confirmPhoneCode(deps: { db: Db; auth: AuthApi; now?: number }, who: Identity, code: string) {
  const { db } = deps;
  const now = deps.now ?? Date.now();
  const phone = await phoneOf(deps.auth, who);
  const mine = and(eq(contactVerifications.userId, who.userId), eq(contactVerifications.channel, "sms"));
  const pending = await db.select().from(contactVerifications).where(mine).get();
  if (!pending || pending.address !== phone || pending.expiresAt < now) throw new ApiError(409, "no_code_pending", "Ask for a new code first");
  // Count the try before comparing, so parallel guesses cannot exceed the limit.
  const counted = await db
    .update(contactVerifications)
    .set({ attempts: sql`${contactVerifications.attempts} + 1` })
    .where(and(mine, sql`${contactVerifications.attempts} < ${MAX_CODE_ATTEMPTS}`))
    .run();
  if (counted.meta.changes !== 1) throw new ApiError(429, "too_many_attempts", "Too many wrong codes; ask for a new one");
  if ((await hashCode(who.userId, code)) !== pending.codeHash) throw new ApiError(400, "invalid_code", "That code is not right");
  await db.batch([
    db.insert(verifiedContacts).values({ userId: who.userId, channel: "sms", address: phone, verifiedAt: now }).onConflictDoNothing(),
    db.delete(contactVerifications).where(mine),
  ]);
  return { phone: maskPhone(phone), verified: true, expiresAt: null };
}
