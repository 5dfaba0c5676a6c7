import { importJWK, type JWK } from "jose";
import type { Env } from "../env";

export type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK };

/** Only the public members of an EC key, as published in the JWKS. */
function publicPart(jwk: JWK, kid: string): JWK {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.x || !jwk.y) throw new Error(`key ${kid} is not a P-256 EC key`);
  return { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, kid, alg: "ES256", use: "sig" };
}

let cached: { source: string; key: Promise<SigningKey> } | null = null;

/** The current signing key from the AUTH_SIGNING_JWK secret, imported once per isolate. */
export function signingKey(env: Pick<Env, "AUTH_SIGNING_JWK">): Promise<SigningKey> {
  const source = env.AUTH_SIGNING_JWK;
  if (cached?.source === source) return cached.key;
  const key = (async () => {
    if (!source) throw new Error("AUTH_SIGNING_JWK is not set (see workers/auth/.dev.vars.example and workers/auth/README.md)");
    const jwk = JSON.parse(source) as JWK;
    if (!jwk.kid || !jwk.d) throw new Error("AUTH_SIGNING_JWK must be a private JWK with a kid");
    const privateKey = (await importJWK({ ...jwk, alg: "ES256" }, "ES256")) as CryptoKey;
    return { kid: jwk.kid, privateKey, publicJwk: publicPart(jwk, jwk.kid) };
  })();
  cached = { source, key };
  key.catch(() => {
    if (cached?.key === key) cached = null;
  });
  return key;
}

function previousKeys(raw: string | undefined): JWK[] {
  if (!raw?.trim()) return [];
  const parsed = JSON.parse(raw) as JWK[] | { keys: JWK[] };
  const list = Array.isArray(parsed) ? parsed : parsed.keys;
  return list.map((k) => {
    if (!k.kid) throw new Error("every key in AUTH_PREVIOUS_PUBLIC_JWKS needs a kid");
    return publicPart(k, k.kid);
  });
}

/**
 * The JWKS the gateway verifies with: the current key plus any previous public keys kept
 * during a rotation (tokens they signed stay valid until they expire, ≤ 15 min).
 */
export async function publicJwks(env: Pick<Env, "AUTH_SIGNING_JWK" | "AUTH_PREVIOUS_PUBLIC_JWKS">): Promise<{ keys: JWK[] }> {
  const current = (await signingKey(env)).publicJwk;
  const previous = previousKeys(env.AUTH_PREVIOUS_PUBLIC_JWKS).filter((k) => k.kid !== current.kid);
  return { keys: [current, ...previous] };
}
