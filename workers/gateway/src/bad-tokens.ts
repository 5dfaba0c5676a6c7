import { rateLimited } from "./rate-limit";

/** Must match RL_BAD_TOKEN's period in wrangler.toml. */
const PERIOD_MS = 60_000;
/** Addresses remembered per isolate; beyond this the oldest entry is forgotten. */
const MAX_BLOCKED = 10_000;

/**
 * Every presented token costs an ES256 verification before anything else is checked, so a flood
 * of forged tokens is a cheap way to burn the gateway's CPU. Tokens refused as invalid (not
 * expired or revoked ones, which are genuine) are counted per client address in the
 * RL_BAD_TOKEN limiter, on the failure path only; once an address is
 * over the limit, this isolate remembers it and answers its token-bearing requests with 429
 * without verifying them until the period ends. A valid token costs one Map lookup (none while
 * nobody is blocked) and no limiter call.
 */
export class BadTokenGuard {
  private blocked = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Throws 429 while `address` is blocked; called before verifying its token. */
  check(address: string) {
    if (this.blocked.size === 0) return;
    const until = this.blocked.get(address);
    if (until === undefined) return;
    const now = this.clock();
    if (until > now) throw rateLimited(Math.ceil((until - now) / 1000));
    this.blocked.delete(address);
  }

  /** Counts one failed verification; throws 429 once the address is over the limit. */
  async failed(limiter: RateLimit, address: string) {
    const { success } = await limiter.limit({ key: `bad-token:${address}` });
    if (success) return;
    if (this.blocked.size >= MAX_BLOCKED) this.blocked.delete(this.blocked.keys().next().value!);
    this.blocked.set(address, this.clock() + PERIOD_MS);
    throw rateLimited(PERIOD_MS / 1000);
  }
}
