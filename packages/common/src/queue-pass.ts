import { z } from "zod";
import { b64url, fromB64url, hmacKey } from "./hmac";

/**
 * Tokens of the virtual waiting room, HMAC-signed with QUEUE_PASS_SECRET (events signs, orders
 * verifies locally: no call to the room on the checkout path). Both are bound to one buyer and
 * one event and carry their expiry:
 * - `pass`: the buyer was admitted; sent as `Queue-Pass` with POST /api/orders;
 * - `socket`: lets the browser open the room's WebSocket (browsers cannot send Authorization there).
 * Format: `qp1.<base64url(JSON claims)>.<base64url(HMAC of the middle part)>`.
 */
export const QUEUE_PASS_HEADER = "queue-pass";

const claimsSchema = z.object({ k: z.enum(["pass", "socket"]), e: z.string(), u: z.string(), x: z.number() });
export type QueueTokenKind = z.infer<typeof claimsSchema>["k"];
export type QueueTokenClaims = { eventId: string; userId: string; expiresAt: number };
export type QueueTokenCheck = { ok: true; claims: QueueTokenClaims } | { ok: false; reason: "malformed" | "bad_signature" | "expired" | "other_buyer" | "other_event" };

const encoder = new TextEncoder();
const PREFIX = "qp1";

export async function signQueueToken(kind: QueueTokenKind, claims: QueueTokenClaims, secret: string): Promise<string> {
  const body = b64url(encoder.encode(JSON.stringify({ k: kind, e: claims.eventId, u: claims.userId, x: claims.expiresAt })));
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(`${PREFIX}.${body}`));
  return `${PREFIX}.${body}.${b64url(sig)}`;
}

/** Checks signature, kind, buyer, event and expiry; says which one failed (for logs and metrics). */
export async function verifyQueueToken(
  kind: QueueTokenKind,
  token: string | null | undefined,
  secret: string,
  /** userId omitted: any account (the socket token names whose socket it is). */
  expect: { eventId: string; userId?: string; now?: number },
): Promise<QueueTokenCheck> {
  const parts = token?.split(".") ?? [];
  if (parts.length !== 3 || parts[0] !== PREFIX || token!.length > 1024) return { ok: false, reason: "malformed" };
  let claims: z.infer<typeof claimsSchema>;
  try {
    const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret), fromB64url(parts[2]), encoder.encode(`${PREFIX}.${parts[1]}`));
    if (!valid) return { ok: false, reason: "bad_signature" };
    const parsed = claimsSchema.safeParse(JSON.parse(new TextDecoder().decode(fromB64url(parts[1]))));
    if (!parsed.success || parsed.data.k !== kind) return { ok: false, reason: "malformed" };
    claims = parsed.data;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (expect.userId !== undefined && claims.u !== expect.userId) return { ok: false, reason: "other_buyer" };
  if (claims.e !== expect.eventId) return { ok: false, reason: "other_event" };
  if (claims.x <= (expect.now ?? Date.now())) return { ok: false, reason: "expired" };
  return { ok: true, claims: { eventId: claims.e, userId: claims.u, expiresAt: claims.x } };
}
