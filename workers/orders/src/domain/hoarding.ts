import type { Logger } from "@tickets/common";
import type { Env } from "../env";
import type { HoldGuard } from "../ports";
import { humanVerified, turnstileVerifier } from "./turnstile";

const setting = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n >= 0 ? n : fallback;
};

/**
 * The anti-hoarding rules a checkout's hold carries to the inventory object, which applies them
 * in the same transaction as the hold (durable-objects/event-inventory.ts guardStep). The client
 * address is the `cf-connecting-ip` Cloudflare sets (the gateway passes it through); without one
 * there is no per-address cap. Without a Turnstile secret no event is challenged.
 */
export async function holdGuard(
  env: Env,
  client: { address: string | null; turnstileToken: string | null },
  log: Logger,
): Promise<HoldGuard> {
  const verifier = turnstileVerifier(env);
  return {
    clientKey: client.address,
    maxActivePerClient: setting(env.HOLDS_PER_CLIENT, 10),
    cooldownSeconds: setting(env.HOLD_COOLDOWN_SECONDS, 60),
    hotHoldsPerMinute: verifier ? setting(env.TURNSTILE_HOT_HOLDS_PER_MINUTE, 120) : 0,
    humanVerified: await humanVerified(verifier, client.turnstileToken, client.address, log),
  };
}
