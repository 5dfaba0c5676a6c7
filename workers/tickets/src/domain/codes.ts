import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { z } from "zod";

/**
 * A ticket's `code` (what its QR encodes) is a compact ES256 JWS over {tid, eid, v} with the
 * signing key's `kid` in the header, so a scanner holding the public JWKS can verify it offline.
 * Retired keys stay verifiable through TICKET_PREVIOUS_PUBLIC_JWKS until their `expiresAt`.
 */
export const ticketClaimsSchema = z.object({
  tid: z.string().min(1).max(64),
  eid: z.string().min(1).max(64),
  v: z.number().int().positive(),
});
export type TicketClaims = z.infer<typeof ticketClaimsSchema>;

export type PublicJwk = { kty: string; crv: string; x: string; y: string; kid: string; alg: "ES256"; use: "sig"; expiresAt?: string };

type VerifyKey = { key: CryptoKey; expiresAt: number | null; jwk: PublicJwk };

export interface KeyRing {
  kid: string;
  signingKey: CryptoKey;
  verifiers: Map<string, VerifyKey>;
}

export type VerifyResult =
  | { ok: true; claims: TicketClaims; kid: string }
  | { ok: false; reason: "malformed" | "unknown_key" | "key_expired" | "bad_signature" | "bad_claims" };

const MAX_CODE_LENGTH = 2048;
const ALG = "ES256";

function publicPart(jwk: JWK, kid: string): PublicJwk {
  const { kty, crv, x, y } = jwk;
  if (kty !== "EC" || crv !== "P-256" || !x || !y) throw new Error(`key ${kid}: not a P-256 public key`);
  return { kty, crv, x, y, kid, alg: ALG, use: "sig" };
}

async function verifierFor(jwk: PublicJwk): Promise<VerifyKey> {
  const expiresAt = jwk.expiresAt ? Date.parse(jwk.expiresAt) : null;
  if (expiresAt !== null && Number.isNaN(expiresAt)) throw new Error(`key ${jwk.kid}: expiresAt is not a date`);
  const pub = publicPart(jwk, jwk.kid);
  const key = (await importJWK(pub, ALG)) as CryptoKey;
  // Only public members are ever published, whatever else the configured JWK carried.
  return { key, expiresAt, jwk: jwk.expiresAt ? { ...pub, expiresAt: jwk.expiresAt } : pub };
}

/** Builds the key ring from the secrets (JSON strings). Throws on a missing or malformed key. */
export async function createKeyRing(signingJwkJson: string | undefined, previousJwksJson?: string): Promise<KeyRing> {
  if (!signingJwkJson) throw new Error("TICKET_SIGNING_JWK is not set");
  const signing = JSON.parse(signingJwkJson) as JWK;
  if (!signing.kid || !signing.d || signing.crv !== "P-256") throw new Error("TICKET_SIGNING_JWK must be a private P-256 JWK with a kid");
  const signingKey = (await importJWK({ ...signing, alg: ALG }, ALG)) as CryptoKey;
  const verifiers = new Map<string, VerifyKey>();
  verifiers.set(signing.kid, await verifierFor(publicPart(signing, signing.kid)));
  const previous = previousJwksJson?.trim() ? (JSON.parse(previousJwksJson) as { keys?: PublicJwk[] }).keys ?? [] : [];
  for (const jwk of previous) {
    if (!jwk.kid || verifiers.has(jwk.kid)) continue;
    verifiers.set(jwk.kid, await verifierFor(jwk));
  }
  return { kid: signing.kid, signingKey, verifiers };
}

const rings = new Map<string, Promise<KeyRing>>();
/** Per-isolate cache: keys are imported once per distinct secret value. */
export function keyRing(env: { TICKET_SIGNING_JWK: string; TICKET_PREVIOUS_PUBLIC_JWKS?: string }): Promise<KeyRing> {
  const cacheKey = `${env.TICKET_SIGNING_JWK}\n${env.TICKET_PREVIOUS_PUBLIC_JWKS ?? ""}`;
  let ring = rings.get(cacheKey);
  if (!ring) {
    ring = createKeyRing(env.TICKET_SIGNING_JWK, env.TICKET_PREVIOUS_PUBLIC_JWKS);
    ring.catch(() => rings.delete(cacheKey));
    rings.set(cacheKey, ring);
  }
  return ring;
}

export async function signTicketCode(ring: KeyRing, claims: TicketClaims): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(ticketClaimsSchema.parse(claims)));
  return new CompactSign(payload).setProtectedHeader({ alg: ALG, kid: ring.kid }).sign(ring.signingKey);
}

export async function verifyTicketCode(ring: KeyRing, code: unknown, now = Date.now()): Promise<VerifyResult> {
  if (typeof code !== "string" || code.length > MAX_CODE_LENGTH || code.split(".").length !== 3) {
    return { ok: false, reason: "malformed" };
  }
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(code);
    if (header.alg !== ALG) return { ok: false, reason: "malformed" };
    kid = header.kid;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const verifier = kid ? ring.verifiers.get(kid) : undefined;
  if (!verifier || !kid) return { ok: false, reason: "unknown_key" };
  if (verifier.expiresAt !== null && verifier.expiresAt <= now) return { ok: false, reason: "key_expired" };
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(code, verifier.key, { algorithms: [ALG] }));
  } catch {
    return { ok: false, reason: "bad_signature" };
  }
  try {
    const claims = ticketClaimsSchema.safeParse(JSON.parse(new TextDecoder().decode(payload)));
    return claims.success ? { ok: true, claims: claims.data, kid } : { ok: false, reason: "bad_claims" };
  } catch {
    return { ok: false, reason: "bad_claims" };
  }
}

/** The public keys a scanner needs: the current one and every retired one not yet expired. */
export function publicJwks(ring: KeyRing, now = Date.now()): { keys: PublicJwk[] } {
  return {
    keys: [...ring.verifiers.values()].filter((v) => v.expiresAt === null || v.expiresAt > now).map((v) => v.jwk),
  };
}
