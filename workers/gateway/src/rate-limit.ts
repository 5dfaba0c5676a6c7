import { ApiError, type Identity } from "@tickets/common";
import type { RouteClass } from "./routes-table";

type Limiters = { RL_AUTH: RateLimit; RL_WRITE: RateLimit; RL_READ: RateLimit; RL_CALLBACK: RateLimit };

const LIMITER: Record<RouteClass, keyof Limiters> = { auth: "RL_AUTH", write: "RL_WRITE", read: "RL_READ", callback: "RL_CALLBACK" };
/** Must match the periods in wrangler.toml's [[ratelimits]] (the binding does not report them). */
const PERIOD_SECONDS: Record<RouteClass, number> = { auth: 60, write: 10, read: 10, callback: 10 };

export const clientAddress = (request: Request) => request.headers.get("cf-connecting-ip") ?? "unknown";

export const rateLimited = (retryAfterSeconds: number) =>
  new ApiError(429, "rate_limited", "Too many requests; slow down", undefined, { "retry-after": String(retryAfterSeconds) });

/**
 * Workers Rate Limiting binding, keyed per client and route class: the signed-in user when
 * there is one, else the client address. Credential routes (register, login, refresh) are keyed
 * by address always: keyed by a token's user, every new account would open a fresh bucket.
 * Chosen over a Durable Object bucket because it adds no hop and no storage write to the hot
 * path; it is per-location and approximate, which is what a flood guard needs (exact per-buyer
 * limits live in the inventory object).
 */
export async function enforceRateLimit(env: Limiters, cls: RouteClass, identity: Identity | null, request: Request) {
  const client = identity && cls !== "auth" ? `user:${identity.userId}` : `ip:${clientAddress(request)}`;
  const { success } = await env[LIMITER[cls]].limit({ key: `${cls}:${client}` });
  if (!success) throw rateLimited(PERIOD_SECONDS[cls]);
}
