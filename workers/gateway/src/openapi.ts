import { SERVICE_BINDINGS, type ServiceName } from "./routes-table";

type OpenApiDoc = { paths?: Record<string, unknown>; components?: Record<string, Record<string, unknown>>; tags?: unknown[] };

const GATEWAY_PATHS = {
  "/api/health": {
    get: {
      tags: ["operations"],
      summary: "Health of every service",
      responses: { "200": { description: "All services ok" }, "503": { description: "Some services failing (named)" } },
    },
  },
  "/api/openapi.json": { get: { tags: ["operations"], summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } } },
  "/api/ping": {
    get: {
      tags: ["operations"],
      summary: "Authenticated no-op through one service hop (benchmark baseline)",
      security: [{ bearer: [] }],
      responses: { "200": { description: "ok" }, "401": { description: "No or bad token" } },
    },
  },
  "/api/docs": { get: { tags: ["operations"], summary: "Interactive API reference", responses: { "200": { description: "HTML" } } } },
};

/** One OpenAPI 3.1 document merged from every worker's own (generated from its zod route schemas). */
export async function mergedOpenApi(env: Record<string, unknown>) {
  const doc = {
    openapi: "3.1.0",
    info: { title: "Edge Tickets API", version: "1.0.0", description: "Public HTTP contract of the ticketing platform." },
    servers: [{ url: "/" }],
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
