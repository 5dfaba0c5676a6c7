import { env, exports } from "cloudflare:workers";
import { signIdentity, type Identity } from "@tickets/common";
import { decodeJwt } from "jose";
import { TokenVerifier, type AuthKeysApi } from "../../gateway/src/authenticate";
import type { Env } from "../src/env";
import type { AuthRpc } from "../src/rpc";

export const testEnv = env as unknown as Env;
const worker = exports as unknown as { default: Fetcher; AuthRpc: Service<AuthRpc> };

let ipCounter = 0;
/** A fresh client address per call site, so login throttling in one test never leaks into another. */
export const freshIp = () => `192.0.2.${++ipCounter}`;

let emailCounter = 0;
export const freshEmail = (prefix = "user") => `${prefix}-${Date.now()}-${++emailCounter}@example.test`;

type CallOpts = { body?: unknown; identity?: Identity; ip?: string; headers?: Record<string, string> };

/** Calls the auth worker the way the gateway does (signed identity header when signed in). */
export async function call(method: string, path: string, opts: CallOpts = {}) {
  const headers: Record<string, string> = { "cf-connecting-ip": opts.ip ?? "198.51.100.1", ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.identity) Object.assign(headers, await signIdentity(opts.identity, testEnv.INTERNAL_AUTH_SECRET, "auth"));
  const res = await worker.default.fetch(
    new Request(`http://auth.internal${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
    }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

/** The identity the gateway would derive from an access token (claims only; signature checked elsewhere). */
export function identityOf(accessToken: string): Identity {
  const c = decodeJwt(accessToken) as { sub: string; email: string; roles: Identity["roles"]; sid: string };
  return { userId: c.sub, email: c.email, roles: c.roles, sessionId: c.sid };
}

export async function registerUser(body: Partial<{ email: string; password: string; name: string; role: string; locale: string; phone: string }> = {}) {
  const email = body.email ?? freshEmail();
  const res = await call("POST", "/api/auth/register", {
    body: { email, password: "correct horse battery", name: "Test User", ...body },
    ip: freshIp(),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { user: { id: string; email: string; roles: string[] }; accessToken: string; refreshToken: string };
}

/** The auth worker's RPC entrypoint, as the gateway's AUTH_KEYS binding sees it. */
export const authRpc = () => worker.AuthRpc;

/** The gateway's verifier, wired to this worker's real AuthRpc; `clock` lets a test move time. */
export function gatewayVerifier(clock?: () => number, api: () => AuthKeysApi = () => authRpc() as unknown as AuthKeysApi) {
  return new TokenVerifier(api, clock);
}
