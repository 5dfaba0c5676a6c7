const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const encoder = new TextEncoder();

/**
 * The order id of a checkout attempt, derived from (buyer, Idempotency-Key): every retry of one
 * attempt, concurrent or not, names the same order, so the inventory object (idempotent by order
 * id) and the orders primary key deduplicate them without a separate idempotency write. 26
 * Crockford base32 characters of SHA-256 (130 bits), the shape of a ULID; ids are opaque.
 */
export async function deriveOrderId(buyerId: string, key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(`${buyerId}\u0000${key}`)));
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of digest) {
    acc = ((acc << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      bits -= 5;
      out += CROCKFORD[(acc >> bits) & 31];
    }
    if (out.length === 26) break;
  }
  return out;
}
