import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CircuitOpenError } from "@tickets/common";
import { GuardedDriver, HttpEmailDriver, HttpSmsDriver, ProviderRefusal, type OutgoingMessage } from "../src/domain/drivers";

// The real HTTP drivers, with the provider's side answered here (the `fetch` they are given):
// switched between up, down (503) and refusing one message (400).
function provider() {
  let status = 200;
  const calls: string[] = [];
  const fetcher = async (_url: RequestInfo | URL, init?: RequestInit) => {
    calls.push(new Headers(init?.headers).get("idempotency-key") ?? "");
    return status === 200 ? Response.json({ id: `msg-${calls.length}` }) : new Response("no", { status });
  };
  return { fetch: fetcher as typeof fetch, calls, set: (s: number) => void (status = s) };
}
const cfg = { url: "https://provider.test/send", apiKey: "k", from: "EdgeTickets" };
const env = { BREAKER_COOLDOWN_MS: "300" };
let n = 0;
const msg = (): OutgoingMessage => ({ id: `n-${++n}`, channel: "email", to: "a@example.test", subject: "s", text: "t", html: null });
const breakers = async () =>
  ((await (await (exports as unknown as { default: Fetcher }).default.fetch("http://internal/health")).json()) as { breakers: Record<string, string> }).breakers;

describe("provider circuit breakers (email, sms, push)", () => {
  it("email: opens after 5 failed sends, fails fast without calling the provider, and closes after a good half-open probe", async () => {
    const p = provider();
    const email = new GuardedDriver("email", new HttpEmailDriver({ ...cfg, fetch: p.fetch }), env);
    expect((await breakers()).email).toBe("closed");

    p.set(503);
    // Each send is tried twice (same idempotency key): 3 sends make 6 tries, it opens at the 5th.
    for (let i = 0; i < 3; i++) await expect(email.send(msg())).rejects.toThrow();
    expect(p.calls).toHaveLength(5);
    expect(p.calls[0]).toBe(p.calls[1]);
    expect((await breakers()).email).toBe("open");
    await expect(email.send(msg())).rejects.toBeInstanceOf(CircuitOpenError);
    expect(p.calls).toHaveLength(5);

    p.set(200);
    await new Promise((r) => setTimeout(r, 350));
    expect((await breakers()).email).toBe("half_open");
    await expect(email.send(msg())).resolves.toMatchObject({ providerId: "msg-6" });
    expect((await breakers()).email).toBe("closed");
  });

  it("sms: a refused message (HTTP 400) is not an outage: never retried, never opens the breaker", async () => {
    const p = provider();
    const sms = new GuardedDriver("sms", new HttpSmsDriver({ ...cfg, fetch: p.fetch }), env);
    p.set(400);
    for (let i = 0; i < 6; i++) await expect(sms.send({ ...msg(), channel: "sms" })).rejects.toBeInstanceOf(ProviderRefusal);
    expect(p.calls).toHaveLength(6);
    expect((await breakers()).sms).toBe("closed");
    p.set(429); // rate limited: an outage (retried, counted)
    for (let i = 0; i < 3; i++) await sms.send({ ...msg(), channel: "sms" }).catch(() => undefined);
    expect((await breakers()).sms).toBe("open");
  });
});
