import { describe, expect, it } from "vitest";
import {
  CircuitBreaker,
  CircuitOpenError,
  TimeoutError,
  backoffDelay,
  breakerStates,
  circuitBreaker,
  envWithRpcDeadlines,
  withBackgroundDeadlines,
  retry,
  withTimeout,
} from "../src/resilience";

const fail = (msg = "down") => Promise.reject(new Error(msg));
const never = () => new Promise<never>(() => undefined);

describe("withTimeout", () => {
  it("answers what the work answers when it is in time", async () => {
    expect(await withTimeout(Promise.resolve(42), 50)).toBe(42);
    await expect(withTimeout(fail("boom"), 50)).rejects.toThrow("boom");
  });

  it("awaits a callable promise (an RPC promise) rather than calling it", async () => {
    const rpcLike = Object.assign(() => Promise.reject(new Error("called")), { then: (ok: (v: string) => void) => ok("answer") });
    expect(await withTimeout(rpcLike as unknown as Promise<string>, 50)).toBe("answer");
  });

  it("rejects with TimeoutError at the deadline and aborts the signal it gave the work", async () => {
    let signal: AbortSignal | undefined;
    const started = Date.now();
    const err = await withTimeout((s) => ((signal = s), never()), 30, "querydr").catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe("querydr timed out after 30 ms");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(signal?.aborted).toBe(true);
  });
});

describe("retry", () => {
  const noSleep = { sleep: async () => undefined };

  it("tries again until the call succeeds, within the attempts", async () => {
    let calls = 0;
    const out = await retry(async () => (++calls < 3 ? fail() : "ok"), { attempts: 3, ...noSleep });
    expect(out).toBe("ok");
    expect(calls).toBe(3);
  });

  it("throws the last error once the attempts are used up", async () => {
    let calls = 0;
    await expect(retry(async () => fail(`try ${++calls}`), { attempts: 2, ...noSleep })).rejects.toThrow("try 2");
    expect(calls).toBe(2);
  });

  it("does not retry what retryOn refuses, nor an open circuit by default", async () => {
    let calls = 0;
    await expect(retry(async () => (calls++, fail("4xx")), { retryOn: () => false, ...noSleep })).rejects.toThrow("4xx");
    await expect(retry(async () => (calls++, Promise.reject(new CircuitOpenError("vnpay"))), noSleep)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls).toBe(2);
  });

  it("waits a jittered, exponentially growing delay between tries, capped", async () => {
    const waits: number[] = [];
    await retry(async () => fail(), { attempts: 5, baseDelayMs: 100, maxDelayMs: 500, random: () => 0.999, sleep: async (ms) => void waits.push(ms) }).catch(() => undefined);
    expect(waits).toEqual([99, 199, 399, 499]);
    expect(backoffDelay(3, 100, 10_000, () => 0)).toBe(0);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4, 100, 10_000)));
    expect(spread.size).toBeGreaterThan(10); // random, within [0, 1600)
    for (const d of spread) expect(d).toBeLessThan(1_600);
  });
});

describe("CircuitBreaker", () => {
  function clocked(opts = { failureThreshold: 3, cooldownMs: 1_000 }) {
    let t = 0;
    const breaker = new CircuitBreaker("vnpay", { ...opts, now: () => t });
    return { breaker, advance: (ms: number) => void (t += ms) };
  }

  it("opens after N consecutive failures and then fails fast without calling", async () => {
    const { breaker } = clocked();
    let calls = 0;
    const call = () => breaker.run(async () => (calls++, fail()));
    for (let i = 0; i < 3; i++) await expect(call()).rejects.toThrow("down");
    expect(breaker.state).toBe("open");
    await expect(call()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(calls).toBe(3);
  });

  it("a success resets the count: only consecutive failures open it", async () => {
    const { breaker } = clocked();
    for (const ok of [false, false, true, false, false]) await breaker.run(async () => (ok ? 1 : fail())).catch(() => undefined);
    expect(breaker.state).toBe("closed");
  });

  it("an error the caller says is not an outage (a refused request) passes through and counts as a success", async () => {
    const { breaker } = clocked();
    class Refused extends Error {}
    const refusal = () => breaker.run(() => Promise.reject(new Refused("bad recipient")), (err) => !(err instanceof Refused));
    for (let i = 0; i < 2; i++) await breaker.run(() => fail()).catch(() => undefined);
    await expect(refusal()).rejects.toBeInstanceOf(Refused);
    for (let i = 0; i < 2; i++) await breaker.run(() => fail()).catch(() => undefined);
    expect(breaker.state).toBe("closed");
    for (let i = 0; i < 5; i++) await expect(refusal()).rejects.toBeInstanceOf(Refused);
    expect(breaker.state).toBe("closed");
  });

  it("lets one probe through after the cool-down: its success closes the circuit", async () => {
    const { breaker, advance } = clocked();
    for (let i = 0; i < 3; i++) await breaker.run(() => fail()).catch(() => undefined);
    advance(999);
    expect(breaker.state).toBe("open");
    advance(1);
    expect(breaker.state).toBe("half_open");
    let release!: () => void;
    const probe = breaker.run(() => new Promise<string>((resolve) => (release = () => resolve("ok"))));
    expect(breaker.allowsCall).toBe(false);
    await expect(breaker.run(async () => "second")).rejects.toBeInstanceOf(CircuitOpenError); // one probe at a time
    release();
    expect(await probe).toBe("ok");
    expect(breaker.state).toBe("closed");
    expect(breaker.allowsCall).toBe(true);
  });

  it("a failed probe opens it for another cool-down", async () => {
    const { breaker, advance } = clocked();
    for (let i = 0; i < 3; i++) await breaker.run(() => fail()).catch(() => undefined);
    advance(1_000);
    await expect(breaker.run(() => fail("still down"))).rejects.toThrow("still down");
    expect(breaker.state).toBe("open");
    advance(1_000);
    expect(breaker.state).toBe("half_open");
  });
});

describe("circuitBreaker registry", () => {
  it("gives one breaker per name in the isolate, and breakerStates reports each", async () => {
    const a = circuitBreaker("test-email", { failureThreshold: 1, cooldownMs: 60_000 });
    expect(circuitBreaker("test-email")).toBe(a);
    await a.run(() => fail()).catch(() => undefined);
    expect(breakerStates()).toMatchObject({ "test-email": "open" });
    circuitBreaker("test-email", { cooldownMs: 0 });
    expect(breakerStates()["test-email"]).toBe("half_open");
  });
});

describe("envWithRpcDeadlines", () => {
  const rpc = { quick: async (n: number) => n * 2, hang: () => never(), fetch: () => "fetch untouched", version: 3 };
  const env = envWithRpcDeadlines({ EVENTS_RPC: rpc, DB: rpc, RPC_DEADLINE_MS: "40" });

  it("bounds every method call of a *_RPC binding by RPC_DEADLINE_MS", async () => {
    expect(await env.EVENTS_RPC.quick(21)).toBe(42);
    const err = await env.EVENTS_RPC.hang().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe("EVENTS_RPC.hang timed out after 40 ms");
  });

  it("leaves fetch, plain properties and other bindings alone", async () => {
    expect(env.EVENTS_RPC.fetch()).toBe("fetch untouched");
    expect(env.EVENTS_RPC.version).toBe(3);
    expect(env.DB).toBe(rpc);
    expect(env.EVENTS_RPC).toBe(env.EVENTS_RPC); // one wrapper per binding
  });
});

describe("withBackgroundDeadlines", () => {
  type Env = { PAYMENTS_RPC: { refund: () => Promise<string> }; BACKGROUND_RPC_DEADLINE_MS: string };
  const env: Env = { PAYMENTS_RPC: { refund: () => never() }, BACKGROUND_RPC_DEADLINE_MS: "30" };
  const ctx = {} as ExecutionContext;

  it("gives a queue consumer and a cron job RPC calls that give up at the background deadline", async () => {
    const seen: unknown[] = [];
    const handlers = withBackgroundDeadlines<ExportedHandler<Env>>({
      queue: async (_batch, e) => void seen.push(await e.PAYMENTS_RPC.refund().catch((err: unknown) => err)),
      scheduled: async (_controller, e) => void seen.push(await e.PAYMENTS_RPC.refund().catch((err: unknown) => err)),
    });
    await handlers.queue!({} as MessageBatch, env, ctx);
    await handlers.scheduled!({} as ScheduledController, env, ctx);
    expect(seen).toHaveLength(2);
    for (const err of seen) expect((err as Error).message).toBe("PAYMENTS_RPC.refund timed out after 30 ms");
  });

  it("leaves fetch as it is (routes get their deadline from createServiceApp)", () => {
    const fetch = async () => new Response("ok");
    expect(withBackgroundDeadlines<ExportedHandler<Env>>({ fetch }).fetch).toBe(fetch);
  });
});
