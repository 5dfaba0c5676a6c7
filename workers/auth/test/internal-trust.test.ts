import { afterEach, describe, expect, it, vi } from "vitest";
import { createExecutionContext } from "cloudflare:test";
import { exportJWK, generateKeyPair } from "jose";
import { signIdentity } from "@tickets/common";
import authWorker from "../src/index";
import gateway from "../../gateway/src/index";
import { call, identityOf, registerUser, testEnv } from "./helpers";

// The trust between workers: the gateway's signed identity header (audience + age), and the
// refusal to run in production with the committed development secrets or dev-only bindings.
// (The gateway has no workerd project of its own; its app is exercised here with a made-up env.)

const me = (headers: Record<string, string>) => call("GET", "/api/auth/me", { headers });

function captureLogs() {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  vi.spyOn(console, "error").mockImplementation((line: unknown) => void lines.push(String(line)));
  return lines;
}
afterEach(() => vi.restoreAllMocks());

describe("the signed identity header", () => {
  it("is accepted by the service it was signed for, within its minute", async () => {
    const { accessToken } = await registerUser();
    const res = await me(await signIdentity(identityOf(accessToken), testEnv.INTERNAL_AUTH_SECRET, "auth"));
    expect(res.status).toBe(200);
  });

  it("is refused by any other service: a header captured on its way to one worker cannot be replayed to another", async () => {
    const { accessToken } = await registerUser();
    const res = await me(await signIdentity(identityOf(accessToken), testEnv.INTERNAL_AUTH_SECRET, "orders"));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unauthorized");
  });

  it("is refused once older than 60 s, or dated in the future", async () => {
    const { accessToken } = await registerUser();
    const identity = identityOf(accessToken);
    const stale = await signIdentity(identity, testEnv.INTERNAL_AUTH_SECRET, "auth", Date.now() - 61_000);
    expect((await me(stale)).status).toBe(401);
    const future = await signIdentity(identity, testEnv.INTERNAL_AUTH_SECRET, "auth", Date.now() + 61_000);
    expect((await me(future)).status).toBe(401);
    const recent = await signIdentity(identity, testEnv.INTERNAL_AUTH_SECRET, "auth", Date.now() - 30_000);
    expect((await me(recent)).status).toBe(200);
  });
});

describe("production refuses development secrets and bindings", () => {
  const jwks = () => new Request("http://auth.internal/api/auth/jwks.json");

  it("a service in production with the committed INTERNAL_AUTH_SECRET answers 500 misconfigured to everything, and logs why", async () => {
    const logs = captureLogs();
    const production = { ...testEnv, ENVIRONMENT: "production" };
    for (const path of ["/api/auth/jwks.json", "/health"]) {
      const res = await authWorker.fetch(new Request(`http://auth.internal${path}`), production, createExecutionContext());
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: { code: "misconfigured", message: expect.any(String) } });
    }
    const logged = logs.filter((l) => l.includes('"misconfigured"'));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join("\n")).toContain("INTERNAL_AUTH_SECRET");
    expect(logged.join("\n")).not.toContain(testEnv.INTERNAL_AUTH_SECRET);
  });

  it("also when ENVIRONMENT is not set at all (a plain deploy), and for the committed signing key", async () => {
    captureLogs();
    const { ENVIRONMENT: _, ...unset } = testEnv as typeof testEnv & { ENVIRONMENT?: string };
    expect((await authWorker.fetch(jwks(), unset, createExecutionContext())).status).toBe(500);
    const devKeyOnly = { ...testEnv, ENVIRONMENT: "production", INTERNAL_AUTH_SECRET: crypto.randomUUID() + crypto.randomUUID() };
    expect((await authWorker.fetch(jwks(), devKeyOnly, createExecutionContext())).status).toBe(500);
  });

  it("serves in production with secrets of its own, and in development with the committed ones", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const ownKey = JSON.stringify({ ...(await exportJWK(privateKey)), kid: "prod-2026-11", alg: "ES256" });
    // As deployed: the development-only metrics recorder is not bound there.
    const { DEV_METRICS: _devOnly, ...deployed } = testEnv as typeof testEnv & { DEV_METRICS?: unknown };
    const production = { ...deployed, ENVIRONMENT: "production", INTERNAL_AUTH_SECRET: crypto.randomUUID() + crypto.randomUUID(), AUTH_SIGNING_JWK: ownKey };
    expect((await authWorker.fetch(jwks(), production, createExecutionContext())).status).toBe(200);
    expect((await authWorker.fetch(jwks(), { ...testEnv, ENVIRONMENT: "development" }, createExecutionContext())).status).toBe(200);
  });

  it("the gateway in production refuses to serve while a development-only binding (VNPAY_SANDBOX, DEV_CRON, DEV_METRICS) is bound", async () => {
    captureLogs();
    const secret = crypto.randomUUID() + crypto.randomUUID();
    const devBinding = { fetch: async () => new Response("sandbox") };
    const asDeployed = { INTERNAL_AUTH_SECRET: secret, DASHBOARD_ORIGIN: "https://tickets.example.com", VNPAY_SANDBOX: devBinding };
    const refused = await gateway.fetch(new Request("http://gw/paymentv2/vpcpay.html"), asDeployed, createExecutionContext());
    expect(refused.status).toBe(500);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("misconfigured");
    const withCron = await gateway.fetch(new Request("http://gw/api/nothing"), { ...asDeployed, VNPAY_SANDBOX: undefined, DEV_CRON: devBinding, ENVIRONMENT: "production" }, createExecutionContext());
    expect(withCron.status).toBe(500);
    const withMetrics = await gateway.fetch(new Request("http://gw/api/nothing"), { ...asDeployed, VNPAY_SANDBOX: undefined, DEV_METRICS: devBinding, ENVIRONMENT: "production" }, createExecutionContext());
    expect(withMetrics.status).toBe(500);
    // `--env production` binds neither: the gateway serves (here: 404 for a path no service owns).
    const limiter = { limit: async () => ({ success: true }) };
    const clean = { INTERNAL_AUTH_SECRET: secret, ENVIRONMENT: "production", RL_READ: limiter };
    const served = await gateway.fetch(new Request("http://gw/api/nothing"), clean, createExecutionContext());
    expect(served.status).toBe(404);
    expect(((await served.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
