export type Env = {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  /** Private ES256 JWK (with `kid`) that signs access tokens. A secret. */
  AUTH_SIGNING_JWK: string;
  /** JSON array of public JWKs still published during a key rotation (optional). */
  AUTH_PREVIOUS_PUBLIC_JWKS?: string;
};
