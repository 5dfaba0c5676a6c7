import { z } from "zod";

/** An Idempotency-Key: 8–128 visible ASCII characters. */
export const idempotencyKeySchema = z
  .string()
  .min(8, "Idempotency-Key must be 8–128 characters")
  .max(128, "Idempotency-Key must be 8–128 characters")
  .regex(/^[\x21-\x7e]+$/, "Idempotency-Key must be visible ASCII characters");

export type OrderRequest = { eventId: string; items: Array<{ ticketTypeId: string; quantity: number }> };

/**
 * The request in one canonical form: lines for the same ticket type merged, sorted by ticket
 * type. Two bodies that ask for the same thing (in any order) hash the same.
 */
export function canonicalOrderRequest(body: OrderRequest): OrderRequest {
  const merged = new Map<string, number>();
  for (const item of body.items) merged.set(item.ticketTypeId, (merged.get(item.ticketTypeId) ?? 0) + item.quantity);
  const items = [...merged]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity }));
  return { eventId: body.eventId, items };
}

export async function hashOrderRequest(body: OrderRequest): Promise<string> {
  const canonical = canonicalOrderRequest(body);
  const bytes = new TextEncoder().encode(JSON.stringify([canonical.eventId, canonical.items.map((i) => [i.ticketTypeId, i.quantity])]));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
