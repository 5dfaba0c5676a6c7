import { fromBase64, toBase64, utf8 } from "./encoding";

/**
 * Stored format: `pbkdf2-sha256$<iterations>$<salt, base64>$<derived key, base64>`, the same
 * one scripts/seed/10-auth.mjs writes with node:crypto. 100,000 iterations is the most the
 * Workers runtime allows for PBKDF2; the iteration count is stored so it can change later.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX = "pbkdf2-sha256";

/** Verified against when the email is unknown, so both failures cost the same PBKDF2 run. */
const DUMMY_HASH = `${PREFIX}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$${"A".repeat(43)}=`;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", utf8(password.normalize("NFKC")), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, KEY_BYTES * 8);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${PREFIX}$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

function parse(stored: string) {
  const [prefix, iter, salt, hash] = stored.split("$");
  const iterations = Number(iter);
  if (prefix !== PREFIX || !Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) return null;
  try {
    return { iterations, salt: fromBase64(salt), hash: fromBase64(hash) };
  } catch {
    return null;
  }
}

/** Constant-time check; `stored` null (unknown user) still runs a full derivation. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const real = stored === null ? null : parse(stored);
  const parsed = real ?? parse(DUMMY_HASH)!;
  const derived = await derive(password, parsed.salt, parsed.iterations);
  const same = derived.byteLength === parsed.hash.byteLength && crypto.subtle.timingSafeEqual(derived, parsed.hash);
  return same && real !== null;
}
