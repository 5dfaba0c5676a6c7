import { breakerOptions, circuitBreaker, withTimeout, type Logger } from "@tickets/common";
import type { Env } from "../env";

/** Checks a Cloudflare Turnstile token (the widget's answer) for the client that sent it. */
export interface TurnstileVerifier {
  verify(token: string, remoteIp: string | null): Promise<boolean>;
}

/**
 * Cloudflare's documented test secret keys
 * (https://developers.cloudflare.com/turnstile/troubleshooting/testing/): with one of them no call
 * leaves the machine (LocalTurnstileVerifier answers as siteverify would).
 */
export const TURNSTILE_TEST_SECRETS = {
  alwaysPass: "1x0000000000000000000000000000000AA",
  alwaysFail: "2x0000000000000000000000000000000AA",
  tokenSpent: "3x0000000000000000000000000000000AA",
} as const;

export const SITEVERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
const SITEVERIFY_TIMEOUT_MS = 3_000;

/** Production: POST the token to Turnstile's siteverify (with a deadline, behind the "turnstile" breaker). */
export class SiteverifyVerifier implements TurnstileVerifier {
  constructor(
    private readonly secret: string,
    private readonly env: Pick<Env, "BREAKER_FAILURE_THRESHOLD" | "BREAKER_COOLDOWN_MS">,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  async verify(token: string, remoteIp: string | null): Promise<boolean> {
    const form = new FormData();
    form.append("secret", this.secret);
    form.append("response", token);
    if (remoteIp) form.append("remoteip", remoteIp);
    const res = await circuitBreaker("turnstile", breakerOptions(this.env)).run(() =>
      withTimeout((signal) => this.fetcher(SITEVERIFY_URL, { method: "POST", body: form, signal }), SITEVERIFY_TIMEOUT_MS, "turnstile.siteverify"),
    );
    if (!res.ok) throw new Error(`siteverify answered HTTP ${res.status}`);
    const body = (await res.json()) as { success?: unknown };
    return body.success === true;
  }
}

/** Development and tests: one of the documented test secrets decides; any non-empty token is a token. */
export class LocalTurnstileVerifier implements TurnstileVerifier {
  constructor(private readonly secret: (typeof TURNSTILE_TEST_SECRETS)[keyof typeof TURNSTILE_TEST_SECRETS]) {}

  async verify(token: string): Promise<boolean> {
    return token.length > 0 && this.secret === TURNSTILE_TEST_SECRETS.alwaysPass;
  }
}

const isTestSecret = (s: string): s is (typeof TURNSTILE_TEST_SECRETS)[keyof typeof TURNSTILE_TEST_SECRETS] =>
  (Object.values(TURNSTILE_TEST_SECRETS) as string[]).includes(s);

/** The verifier for this deployment; null without TURNSTILE_SECRET_KEY (then no event is ever challenged). */
export function turnstileVerifier(env: Env): TurnstileVerifier | null {
  const secret = env.TURNSTILE_SECRET_KEY;
  if (!secret) return null;
  return isTestSecret(secret) ? new LocalTurnstileVerifier(secret) : new SiteverifyVerifier(secret, env);
}

/**
 * Whether this request's token passes. No token: false. Turnstile unreachable: false (fail
 * closed, logged): only a hot event needs the answer, and its buyer can retry.
 */
export async function humanVerified(verifier: TurnstileVerifier | null, token: string | null, remoteIp: string | null, log: Logger): Promise<boolean> {
  if (!verifier || !token) return false;
  try {
    return await verifier.verify(token, remoteIp);
  } catch (err) {
    log.warn("turnstile_unavailable", { error: (err as Error).message });
    return false;
  }
}
