/**
 * Timeouts, retries and circuit breakers for calls that leave the worker (service bindings, RPC,
 * outbound HTTP). Plain functions and one small class; no platform API beyond timers.
 */

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/**
 * Resolves as `work` does, or rejects with TimeoutError after `ms`. A function gets an
 * AbortSignal that fires at the deadline (fetch stops then); a bare promise keeps running in the
 * background, only its answer is no longer awaited.
 */
export async function withTimeout<T>(work: Promise<T> | ((signal: AbortSignal) => Promise<T>), ms: number, what = "call"): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TimeoutError(what, ms);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    // A promise first: an RPC promise from a service binding is callable too (pipelining).
    const running = isPromiseLike(work) ? work : work(controller.signal);
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const isPromiseLike = <T>(v: unknown): v is Promise<T> => typeof (v as { then?: unknown })?.then === "function";

export type RetryOptions = {
  /** Total tries, the first included (default 3). */
  attempts?: number;
  /** Backoff ceiling of the first retry (default 100 ms), doubling each retry up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Whether this error is worth another try (default: any error but an open circuit). */
  retryOn?: (err: unknown) => boolean;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

/** "Full jitter" backoff: a random wait in [0, min(max, base·2^retry)), so retrying clients spread out. */
export function backoffDelay(retry: number, base: number, max: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(max, base * 2 ** retry));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `fn` until it resolves or the attempts are used up (the last error is thrown). Only for idempotent calls. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const retryOn = opts.retryOn ?? ((err: unknown) => !(err instanceof CircuitOpenError));
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !retryOn(err)) throw err;
      await sleep(backoffDelay(attempt - 1, opts.baseDelayMs ?? 100, opts.maxDelayMs ?? 2_000, opts.random));
    }
  }
}

export type BreakerState = "closed" | "open" | "half_open";

export class CircuitOpenError extends Error {
  constructor(readonly breaker: string) {
    super(`${breaker} is unavailable (circuit open)`);
    this.name = "CircuitOpenError";
  }
}

export type BreakerOptions = {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long it stays open before one probe is let through (default 10 s). */
  cooldownMs?: number;
  now?: () => number;
};

/**
 * Closed: calls pass; `failureThreshold` consecutive failures open it. Open: calls fail at once
 * (CircuitOpenError) until `cooldownMs` has passed. Half-open: one probe call passes (the others
 * still fail fast); its success closes the circuit, its failure opens it for another cool-down.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;
  failureThreshold: number;
  cooldownMs: number;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    opts: BreakerOptions = {},
  ) {
    this.failureThreshold = opts.failureThreshold ?? 5;
    this.cooldownMs = opts.cooldownMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === null) return "closed";
    return this.now() - this.openedAt >= this.cooldownMs ? "half_open" : "open";
  }

  /** Whether a call made now would be attempted (closed, or half-open with no probe under way). */
  get allowsCall(): boolean {
    const state = this.state;
    return state === "closed" || (state === "half_open" && !this.probing);
  }

  /**
   * `countsAsFailure`: whether an error says the provider is unavailable (default: any). An answer
   * that refuses one request (a bad recipient, a gone subscription) shows it is up: such an error
   * is passed on but counts as a success.
   */
  async run<T>(fn: () => Promise<T>, countsAsFailure: (err: unknown) => boolean = () => true): Promise<T> {
    const state = this.state;
    if (state === "open" || (state === "half_open" && this.probing)) throw new CircuitOpenError(this.name);
    const probe = state === "half_open";
    if (probe) this.probing = true;
    try {
      const out = await fn();
      this.failures = 0;
      this.openedAt = null;
      return out;
    } catch (err) {
      if (!countsAsFailure(err)) {
        this.failures = 0;
        this.openedAt = null;
        throw err;
      }
      this.failures++;
      if (probe || this.failures >= this.failureThreshold) this.openedAt = this.now();
      throw err;
    } finally {
      if (probe) this.probing = false;
    }
  }
}

/**
 * The breakers of this isolate, one per provider name. They live in isolate memory: each isolate
 * learns on its own that a provider is down (after `failureThreshold` failures of its own calls),
 * which costs a few failed calls per isolate and nothing on the hot path (no storage round trip
 * per call). /health reports the answering isolate's view.
 */
const registry = new Map<string, CircuitBreaker>();

/** This isolate's breaker for `name` (created on first use; later options update its settings). */
export function circuitBreaker(name: string, opts: Omit<BreakerOptions, "now"> = {}): CircuitBreaker {
  let breaker = registry.get(name);
  if (!breaker) {
    breaker = new CircuitBreaker(name, opts);
    registry.set(name, breaker);
  } else {
    if (opts.failureThreshold !== undefined) breaker.failureThreshold = opts.failureThreshold;
    if (opts.cooldownMs !== undefined) breaker.cooldownMs = opts.cooldownMs;
  }
  return breaker;
}

/** `{name: state}` of every breaker this isolate has used (what /health shows). */
export function breakerStates(): Record<string, BreakerState> {
  return Object.fromEntries([...registry].map(([name, b]) => [name, b.state]));
}

/** Breaker settings from a worker's vars (BREAKER_FAILURE_THRESHOLD, BREAKER_COOLDOWN_MS); defaults otherwise. */
export function breakerOptions(env: { BREAKER_FAILURE_THRESHOLD?: string; BREAKER_COOLDOWN_MS?: string }): Omit<BreakerOptions, "now"> {
  const positive = (v: string | undefined) => {
    const n = Number(v);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return { failureThreshold: positive(env.BREAKER_FAILURE_THRESHOLD), cooldownMs: positive(env.BREAKER_COOLDOWN_MS) };
}

/** How long an RPC call on a service binding may take on a request's path (RPC_DEADLINE_MS; default 10 s). */
export const DEFAULT_RPC_DEADLINE_MS = 10_000;
const UNWRAPPED = new Set(["then", "fetch", "connect", "dup"]);

/**
 * The same RPC binding, each method call bounded by `ms` (TimeoutError past it). Only plain
 * method calls are wrapped (`fetch`, `connect` and symbols pass through); the answer is awaited
 * as a whole, so promise pipelining on the result is not available through it.
 */
export function rpcWithDeadline<T extends object>(binding: T, ms: number, name: string): T {
  return new Proxy(binding, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof prop !== "string" || UNWRAPPED.has(prop) || typeof value !== "function") return value;
      return (...args: unknown[]) => withTimeout((target as Record<string, (...a: unknown[]) => Promise<unknown>>)[prop](...args), ms, `${name}.${prop}`);
    },
  });
}

/**
 * The worker's env with every `*_RPC` service binding bounded by a deadline (rpcWithDeadline);
 * other bindings as they are. Service apps apply it to every request (createServiceApp).
 */
export function envWithRpcDeadlines<E extends object>(env: E, opts: { setting?: "RPC_DEADLINE_MS" | "BACKGROUND_RPC_DEADLINE_MS"; defaultMs?: number } = {}): E {
  const ms = Number((env as Record<string, unknown>)[opts.setting ?? "RPC_DEADLINE_MS"]);
  const deadline = Number.isInteger(ms) && ms > 0 ? ms : (opts.defaultMs ?? DEFAULT_RPC_DEADLINE_MS);
  const wrapped = new Map<string, unknown>();
  return new Proxy(env, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof prop !== "string" || !prop.endsWith("_RPC") || !value || typeof value !== "object") return value;
      if (!wrapped.has(prop)) wrapped.set(prop, rpcWithDeadline(value, deadline, prop));
      return wrapped.get(prop);
    },
  });
}

/** Background work waits longer than a buyer would: above VNPAY's own 15 s API timeout. */
export const DEFAULT_BACKGROUND_RPC_DEADLINE_MS = 30_000;

/** `env` with background deadlines (BACKGROUND_RPC_DEADLINE_MS, 30 s) on its `*_RPC` calls. */
export const envWithBackgroundDeadlines = <E extends object>(env: E): E =>
  envWithRpcDeadlines(env, { setting: "BACKGROUND_RPC_DEADLINE_MS", defaultMs: DEFAULT_BACKGROUND_RPC_DEADLINE_MS });

/**
 * A worker's queue and scheduled handlers with deadlines on their `*_RPC` calls
 * (BACKGROUND_RPC_DEADLINE_MS, 30 s): a hung worker makes a message retry (and, in the end, land
 * in its dead-letter queue) or a cron step fail, instead of holding the consumer until the
 * platform kills it. Routes get theirs from createServiceApp.
 */
export function withBackgroundDeadlines<H extends ExportedHandler<never>>(handlers: H): H {
  // The handlers' own env type is H's; here any env object will do.
  const out = { ...handlers } as unknown as ExportedHandler<object>;
  const { queue, scheduled } = out;
  if (queue) out.queue = (batch, env, ctx) => queue(batch, envWithBackgroundDeadlines(env), ctx);
  if (scheduled) out.scheduled = (controller, env, ctx) => scheduled(controller, envWithBackgroundDeadlines(env), ctx);
  return out as unknown as H;
}
