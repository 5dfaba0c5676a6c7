/** Which domain worker serves which public path. First match wins. */
export const SERVICE_BINDINGS = {
  auth: "AUTH",
  events: "EVENTS",
  orders: "ORDERS",
  payments: "PAYMENTS",
  tickets: "TICKETS",
  refunds: "REFUNDS",
  notifications: "NOTIFICATIONS",
  reports: "REPORTS",
  support: "SUPPORT",
} as const;
export type ServiceName = keyof typeof SERVICE_BINDINGS;

const ROUTES: Array<[RegExp, ServiceName]> = [
  [/^\/api\/auth(\/|$)/, "auth"],
  [/^\/api\/events\/[^/]+\/staff$/, "events"],
  [/^\/api\/events(\/|$)/, "events"],
  [/^\/api\/categories$/, "events"],
  [/^\/api\/orders\/[^/]+\/refund$/, "refunds"],
  [/^\/api\/orders(\/|$)/, "orders"],
  [/^\/api\/payments(\/|$)/, "payments"],
  [/^\/api\/(tickets|checkin)(\/|$)/, "tickets"],
  [/^\/api\/refunds(\/|$)/, "refunds"],
  [/^\/api\/notifications(\/|$)/, "notifications"],
  [/^\/api\/reports(\/|$)/, "reports"],
  // The platform's metrics summary: reports serves the read side of operations (see its README).
  [/^\/api\/admin\/metrics$/, "reports"],
  [/^\/api\/admin\/audit$/, "reports"],
  [/^\/api\/support(\/|$)/, "support"],
];

export function serviceFor(pathname: string): ServiceName | null {
  for (const [re, service] of ROUTES) if (re.test(pathname)) return service;
  return null;
}

/** Paths the local VNPAY emulator serves to browsers (development only: the binding exists only there). */
export const SANDBOX_PATH = /^\/(paymentv2|merchant_webapi)\//;

/** The API reference's script: a static asset (workers/gateway/assets), answered before the worker runs. */
export const API_DOCS_SCRIPT = "/api/docs/scalar.js";

/**
 * The local cron driver and its queue injector for fault tests (development only, like the
 * sandbox: no such binding in production).
 */
export const DEV_CRON_PATH = "/__dev/cron";
export const DEV_PATHS = new Set([DEV_CRON_PATH, "/__dev/queue"]);

/** The metric points recorded locally (development only: workers/dev-metrics, read by the e2e tests). */
export const DEV_METRICS_PATH = "/__dev/metrics";

/**
 * Rate-limit classes: credentials endpoints are the tightest, writes next, reads looser, and
 * VNPAY's server-to-server IPNs (few source addresses, every one signed) the loosest, so a
 * flash sale's burst of IPNs is never throttled into VNPAY's 5-minute retry cycle (the number
 * is argued beside RL_CALLBACK in wrangler.toml). The browser return is an ordinary read.
 */
export type RouteClass = "auth" | "write" | "read" | "callback";
export function routeClass(method: string, pathname: string): RouteClass {
  if (/^\/api\/auth\/(login|register|refresh)$/.test(pathname)) return "auth";
  if (pathname === "/api/payments/vnpay/ipn") return "callback";
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return "read";
  return "write";
}
