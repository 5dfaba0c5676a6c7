import type { MiddlewareHandler } from "hono";
import { errorResponse } from "./errors";
import type { Logger } from "./log";

/**
 * Distinctive parts of the secrets committed as development defaults (the `.dev.vars.example`
 * files: the internal HMAC secret, the VNPAY sandbox secret, the private parts of the dev
 * signing keys). A value containing one is a development secret wherever it turns up.
 * e2e/bindings.test.ts checks that every secret in those files is listed here.
 */
export const DEV_SECRET_MARKERS = [
  "local-dev-internal-secret-change-me",
  "local-dev-queue-pass-secret",
  "LOCALSANDBOXSECRET7f3c9a1e5b2d8c4f6a0e9b3d7c1f5a8e2b6d0c4",
  "rn2RMsFz36zLDRt97_0If__TvmQ-bZ79W6zmxiHv2Bo",
  "CzgQXq36X_EO7z1EC85M0G1jb4ZJw_YSmN4MyqbHABQ",
];

/** Bindings only the development config has (the root wrangler.toml's top level; not `--env production`). */
export const DEV_ONLY_BINDINGS = ["VNPAY_SANDBOX", "DEV_CRON", "DEV_METRICS"];

const MIN_SECRET_LENGTH = 32;

/**
 * Why this worker must not serve, or [] when it may. Development is only what says so:
 * ENVIRONMENT="development" comes from `.dev.vars` (which `wrangler deploy` never uploads), so a
 * deployed worker is held to production rules even when nobody set ENVIRONMENT. Names the
 * offending bindings, never their values.
 */
export function misconfiguration(env: Record<string, unknown>): string[] {
  if (env.ENVIRONMENT === "development") return [];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === "string" && DEV_SECRET_MARKERS.some((marker) => value.includes(marker))) {
      problems.push(`${name} holds a committed development secret`);
    }
    if (DEV_ONLY_BINDINGS.includes(name) && value) problems.push(`${name} is a development-only binding`);
  }
  const secret = env.INTERNAL_AUTH_SECRET;
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
    problems.push(`INTERNAL_AUTH_SECRET must be set to at least ${MIN_SECRET_LENGTH} characters`);
  }
  return problems;
}

/**
 * First middleware of every worker's app: in production, a worker configured with development
 * secrets or bindings answers 500 misconfigured to every request (health included, so a deploy
 * shows up failing at once) and logs why. Checked once per env object.
 */
export function refuseMisconfigured(): MiddlewareHandler {
  const checked = new WeakMap<object, string[]>();
  return async (c, next) => {
    const env = (c.env ?? {}) as Record<string, unknown>;
    let problems = checked.get(env);
    if (!problems) {
      problems = misconfiguration(env);
      checked.set(env, problems);
    }
    if (problems.length) {
      const log = c.get("log" as never) as Logger | undefined;
      if (log) log.error("misconfigured", { problems });
      else console.error(JSON.stringify({ level: "error", msg: "misconfigured", problems }));
      return errorResponse(500, "misconfigured", "This service is misconfigured for production; see its logs");
    }
    await next();
  };
}
