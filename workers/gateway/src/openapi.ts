import { SERVICE_BINDINGS, type ServiceName } from "./routes-table";

type OpenApiDoc = { paths?: Record<string, unknown>; components?: Record<string, Record<string, unknown>>; tags?: unknown[] };

/** Every tag an operation may carry, declared once in the merged document (client generators group by them). */
export const TAGS = [
  { name: "auth", description: "Accounts, sign-in, token refresh and the keys that verify access tokens." },
  { name: "events", description: "Events and their ticket types: browsing, organizer editing, publishing and staff." },
  { name: "waiting room", description: "The virtual queue of a hot on-sale: places, live updates and the passes that let buyers into checkout." },
  { name: "orders", description: "Holding tickets and paying for them: orders, their status and cancellation." },
  { name: "payments", description: "VNPAY callbacks and the payment audit trail of an order." },
  { name: "refunds", description: "Refund requests of paid orders and their processing." },
  { name: "tickets", description: "Issued tickets, their QR codes and the keys that verify ticket codes." },
  { name: "check-in", description: "Admitting tickets at the entrance, online or from offline scanners." },
  { name: "notifications", description: "Messages sent to the caller and browser push subscriptions." },
  { name: "reports", description: "Sales figures, live series, daily report files and reconciliation for organizers and admins." },
  { name: "support", description: "Support tickets between buyers, organizers, staff and admins." },
  { name: "admin", description: "Platform administration: the audit log of organizer and admin actions." },
  { name: "operations", description: "Health, this document and other platform endpoints." },
];

const GATEWAY_PATHS = {
  "/api/health": {
    get: {
      tags: ["operations"],
      operationId: "getHealth",
      summary: "Health of every service",
      description:
        "Public. Asks every service behind the gateway whether it answers; 503 names the failing ones. `breakers` shows each circuit breaker on an external provider or a worker (vnpay, email, sms, push, payments) as closed, open or half_open.",
      responses: { "200": { description: "All services ok" }, "503": { description: "Some services failing (named)" } },
    },
  },
  "/api/openapi.json": {
    get: {
      tags: ["operations"],
      operationId: "getOpenApiDocument",
      summary: "This document",
      description: "Public. The OpenAPI 3.1 document of the whole public API, merged from every service's own document.",
      responses: { "200": { description: "OpenAPI 3.1" } },
    },
  },
  "/api/ping": {
    get: {
      tags: ["operations"],
      operationId: "ping",
      summary: "Authenticated no-op through one service hop (benchmark baseline)",
      description: "Signed-in callers only (401 otherwise). Verifies the token and makes one service call, nothing else: the baseline benchmarks compare against.",
      security: [{ bearer: [] }],
      responses: { "200": { description: "ok" }, "401": { description: "No or bad token" } },
    },
  },
  "/api/docs": {
    get: {
      tags: ["operations"],
      operationId: "getApiReference",
      summary: "Interactive API reference",
      description: "Public. An HTML page that renders this document for people to read and try; its script is served from /api/docs/scalar.js (the installed @scalar/api-reference package), so it works without internet.",
      responses: { "200": { description: "HTML" } },
    },
  },
};

/** One OpenAPI 3.1 document merged from every worker's own (generated from its zod route schemas). */
export async function mergedOpenApi(env: Record<string, unknown>) {
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "Edge Tickets API",
      version: "1.0.0",
      description: "Public HTTP contract of the ticketing platform.",
      contact: { name: "Edge Tickets team", url: "https://edge-tickets.example/support", email: "api@edge-tickets.example" },
    },
    servers: [{ url: "/" }],
    tags: TAGS,
    paths: { ...GATEWAY_PATHS } as Record<string, unknown>,
    components: { schemas: {} as Record<string, unknown>, securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
  };
  const docs = await Promise.all(
    (Object.keys(SERVICE_BINDINGS) as ServiceName[]).map(async (name) => {
      const binding = env[SERVICE_BINDINGS[name]] as Fetcher | undefined;
      if (!binding) return null;
      try {
        const res = await binding.fetch("http://internal/openapi.json");
        return res.ok ? ((await res.json()) as OpenApiDoc) : null;
      } catch {
        return null;
      }
    }),
  );
  for (const d of docs) {
    if (!d) continue;
    Object.assign(doc.paths, d.paths ?? {});
    Object.assign(doc.components.schemas, d.components?.schemas ?? {});
  }
  return doc;
}
