import { Hono } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { bodyLimit } from "hono/body-limit";
import { Scalar } from "@scalar/hono-api-reference";
import { ApiError, countServerErrors, errorResponse, handleError, refuseMisconfigured, requestContext, type Identity, type MetricsRecorder } from "@tickets/common";
import { API_DOCS_SCRIPT, DEV_METRICS_PATH, DEV_PATHS, SANDBOX_PATH, SERVICE_BINDINGS, routeClass, serviceFor } from "./routes-table";
import { TokenVerifier, type AuthKeysApi } from "./authenticate";
import { clientAddress, enforceRateLimit } from "./rate-limit";
import { BadTokenGuard } from "./bad-tokens";
import { forward } from "./proxy";
import { aggregateHealth } from "./health";
import { mergedOpenApi } from "./openapi";

export type Env = {
  [K in (typeof SERVICE_BINDINGS)[keyof typeof SERVICE_BINDINGS]]: Fetcher;
} & {
  AUTH_KEYS: Service<AuthKeysApi & Rpc.WorkerEntrypointBranded> | (Fetcher & AuthKeysApi);
  VNPAY_SANDBOX?: Fetcher;
  DEV_CRON?: Fetcher;
  /** Development only: the readable copy of the metrics (workers/dev-metrics), read at /__dev/metrics. */
  DEV_METRICS?: Fetcher & MetricsRecorder;
  /** Business metrics (Analytics Engine; packages/common/src/metrics.ts): the gateway writes its 5xx. */
  METRICS: AnalyticsEngineDataset;
  RL_AUTH: RateLimit;
  RL_WRITE: RateLimit;
  RL_READ: RateLimit;
  RL_CALLBACK: RateLimit;
  RL_BAD_TOKEN: RateLimit;
  INTERNAL_AUTH_SECRET: string;
  DASHBOARD_ORIGIN: string;
  /** "development" only from .dev.vars; anything else (unset included) is production. */
  ENVIRONMENT?: string;
};

type Vars = { requestId: string; identity: Identity | null };

const BODY_LIMIT = 64 * 1024;
let verifier: TokenVerifier | null = null;
const badTokens = new BadTokenGuard();

const app = new Hono<{ Bindings: Env; Variables: Vars }>();

app.use("*", requestContext("gateway"));
app.use("*", countServerErrors("gateway"));
// In production (ENVIRONMENT is "development" only in .dev.vars), dev secrets or the dev-only
// VNPAY_SANDBOX / DEV_CRON / DEV_METRICS bindings (a plain `wrangler deploy` of the top-level config) → 500.
app.use("*", refuseMisconfigured());
app.use("*", secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
app.use("*", async (c, next) =>
  cors({
    origin: (origin) => (origin === c.env.DASHBOARD_ORIGIN ? origin : null),
    allowHeaders: ["authorization", "content-type", "idempotency-key", "x-request-id", "cf-turnstile-response", "queue-pass"],
    allowMethods: ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
    exposeHeaders: ["x-request-id", "retry-after"],
    maxAge: 600,
  })(c, next),
);
app.use(
  "*",
  bodyLimit({
    maxSize: BODY_LIMIT,
    onError: () => errorResponse(413, "payload_too_large", `Request bodies are limited to ${BODY_LIMIT} bytes`),
  }),
);

// A present but bad token is refused here, before any domain worker sees the request. An
// address whose tokens keep failing is refused (429) before its tokens are verified at all.
app.use("*", async (c, next) => {
  const header = c.req.header("authorization");
  let identity: Identity | null = null;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError(401, "invalid_token", "Authorization must be 'Bearer <token>'");
    const address = clientAddress(c.req.raw);
    badTokens.check(address);
    verifier ??= new TokenVerifier(() => c.env.AUTH_KEYS as unknown as AuthKeysApi);
    try {
      identity = await verifier.verify(match[1]);
    } catch (err) {
      // Only forgeries and garbage count: an expired or revoked token is genuine (its signature
      // checked out), and an app sending one in a burst of calls must still reach /refresh.
      if (err instanceof ApiError && err.code === "invalid_token") await badTokens.failed(c.env.RL_BAD_TOKEN, address);
      throw err;
    }
  }
  c.set("identity", identity);
  await next();
});

app.use("*", async (c, next) => {
  const url = new URL(c.req.url);
  if (url.pathname.startsWith("/api/") && c.req.method !== "OPTIONS") {
    await enforceRateLimit(c.env, routeClass(c.req.method, url.pathname), c.get("identity"), c.req.raw);
  }
  await next();
});

app.get("/api/health", async (c) => {
  const health = await aggregateHealth(c.env);
  return c.json(health, health.status === "ok" ? 200 : 503);
});
app.get("/api/openapi.json", async (c) => c.json(await mergedOpenApi(c.env)));
// Benchmark baseline: JWT verified, rate-limited, one service-binding hop, nothing else.
app.get("/api/ping", async (c) => {
  const identity = c.get("identity");
  if (!identity) throw new ApiError(401, "unauthorized", "Authentication required");
  const url = new URL(c.req.url);
  return forward(c.env.ORDERS, new Request(`${url.origin}/ping`, { headers: c.req.raw.headers }), {
    requestId: c.get("requestId"),
    identity,
    secret: c.env.INTERNAL_AUTH_SECRET,
    publicOrigin: url.origin,
    audience: "orders",
  });
});
// The reference UI's script is served by this worker's static assets (workers/gateway/assets,
// from the installed @scalar/api-reference package), never from a CDN: the page works offline.
app.get("/api/docs", Scalar({ url: "/api/openapi.json", pageTitle: "Edge Tickets API", cdn: API_DOCS_SCRIPT, withDefaultFonts: false }));

app.all("*", async (c) => {
  const url = new URL(c.req.url);
  const requestId = c.get("requestId");
  if (c.env.VNPAY_SANDBOX && SANDBOX_PATH.test(url.pathname)) {
    return forward(c.env.VNPAY_SANDBOX, c.req.raw, { requestId, identity: null, secret: c.env.INTERNAL_AUTH_SECRET, publicOrigin: url.origin, audience: "vnpay-sandbox" });
  }
  if (c.env.DEV_CRON && DEV_PATHS.has(url.pathname)) {
    return forward(c.env.DEV_CRON, c.req.raw, { requestId, identity: null, secret: c.env.INTERNAL_AUTH_SECRET, publicOrigin: url.origin, audience: "dev-cron" });
  }
  if (c.env.DEV_METRICS && DEV_METRICS_PATH === url.pathname) {
    return forward(c.env.DEV_METRICS, c.req.raw, { requestId, identity: null, secret: c.env.INTERNAL_AUTH_SECRET, publicOrigin: url.origin, audience: "dev-metrics" });
  }
  const service = serviceFor(url.pathname);
  if (!service) return errorResponse(404, "not_found", "No such route");
  const identity = c.get("identity");
  const res = await forward(c.env[SERVICE_BINDINGS[service]], c.req.raw, {
    requestId,
    identity,
    secret: c.env.INTERNAL_AUTH_SECRET,
    publicOrigin: url.origin,
    audience: service,
  });
  if (url.pathname === "/api/auth/logout" && res.status === 204 && identity) verifier?.markRevoked(identity.sessionId);
  return res;
});

app.onError(handleError);
app.notFound(() => errorResponse(404, "not_found", "No such route"));

export default app;
