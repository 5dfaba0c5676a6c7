/**
 * Offline verification of ticket codes in the browser with WebCrypto. A code is a compact JWS
 * (ES256) over {tid, eid, v} with the signing key's `kid` in its header; the public keys come
 * with the scanner bundle (`jwks`). ES256 JWS signatures are the raw r‖s pair WebCrypto expects.
 */
export type PublicJwk = { kty: string; crv: string; x: string; y: string; kid: string; alg?: string; expiresAt?: string };
export type TicketClaims = { tid: string; eid: string; v: number };
export type VerifyResult =
  | { ok: true; claims: TicketClaims; kid: string }
  | { ok: false; reason: "malformed" | "unknown_key" | "key_expired" | "bad_signature" | "bad_claims" };

const MAX_CODE_LENGTH = 2048;

function base64url(part: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new Error("not base64url");
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((part.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const keys = new Map<string, Promise<CryptoKey>>();
function importKey(jwk: PublicJwk): Promise<CryptoKey> {
  const cacheKey = `${jwk.kid}|${jwk.x}|${jwk.y}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true }, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    keys.set(cacheKey, key);
  }
  return key;
}

export async function verifyTicketCode(code: string, jwks: { keys: PublicJwk[] }, now = Date.now()): Promise<VerifyResult> {
  const parts = code.trim().split(".");
  if (code.length > MAX_CODE_LENGTH || parts.length !== 3) return { ok: false, reason: "malformed" };
  let header: { alg?: string; kid?: string };
  let signature: Uint8Array<ArrayBuffer>;
  let payload: Uint8Array<ArrayBuffer>;
  try {
    header = JSON.parse(new TextDecoder().decode(base64url(parts[0])));
    payload = base64url(parts[1]);
    signature = base64url(parts[2]);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (header.alg !== "ES256" || signature.length !== 64) return { ok: false, reason: "malformed" };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk || !header.kid) return { ok: false, reason: "unknown_key" };
  if (jwk.expiresAt && Date.parse(jwk.expiresAt) <= now) return { ok: false, reason: "key_expired" };
  let valid = false;
  try {
    const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
    valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, await importKey(jwk), signature, signed);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: "bad_signature" };
  try {
    const claims = JSON.parse(new TextDecoder().decode(payload)) as TicketClaims;
    if (typeof claims.tid !== "string" || typeof claims.eid !== "string" || !Number.isInteger(claims.v)) return { ok: false, reason: "bad_claims" };
    return { ok: true, claims, kid: header.kid };
  } catch {
    return { ok: false, reason: "bad_claims" };
  }
}
