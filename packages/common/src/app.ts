import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Env } from "hono";
import { handleError, notFoundRoute, errorResponse } from "./errors";
import { requestContext, type Logger } from "./log";
import { identityFromGateway, type AuthVariables } from "./identity";
import { refuseMisconfigured } from "./production-guard";
import { countServerErrors } from "./metrics";
import { envWithRpcDeadlines } from "./resilience";

export type ServiceBindings = {
  INTERNAL_AUTH_SECRET: string;
  /** "development" only from .dev.vars; anything else (unset included) is production: see production-guard.ts. */
  ENVIRONMENT?: string;
};
export type ServiceVariables = AuthVariables & { requestId: string; log: Logger };
export type ServiceEnv<B extends ServiceBindings> = { Bindings: B; Variables: ServiceVariables };

/** Validation failures in the contract's format: 400 invalid_request with zod issues as details. */
export const validationHook = (result: { success: boolean; error?: unknown }) => {
  if (!result.success) {
    const issues = (result.error as z.ZodError).issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code }));
    return errorResponse(400, "invalid_request", "The request is invalid", issues);
  }
};

/**
 * A domain worker's Hono app: request id + JSON logs, 5xx counted (metrics.ts), deadlines on its RPC calls, a refusal to run in production with
 * development secrets, the gateway's identity signed for this service, contract errors for everything, and its OpenAPI document at /openapi.json (merged by the gateway).
 */
export function createServiceApp<B extends ServiceBindings>(service: string) {
  const app = new OpenAPIHono<ServiceEnv<B>>({ defaultHook: validationHook as never });
  app.use("*", requestContext(service));
  app.use("*", countServerErrors(service));
  // Every `*_RPC` call a route makes has a deadline (RPC_DEADLINE_MS, 10 s): a hung worker
  // answers this request with an error instead of holding it open.
  app.use("*", async (c, next) => {
    c.env = envWithRpcDeadlines(c.env);
    await next();
  });
  app.use("*", refuseMisconfigured());
  app.use("*", identityFromGateway(service) as never);
  app.onError(handleError);
  app.notFound(() => notFoundRoute());
  app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: service, version: "1.0.0" } });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  // The cheapest possible hop: the baseline the flash-sale benchmark compares the order path to.
  app.get("/ping", (c) => c.json({ ok: true, caller: c.get("identity")?.userId ?? null }));
  return app;
}

export type ServiceApp<B extends ServiceBindings> = OpenAPIHono<ServiceEnv<B>>;
export type { Env };

/** Shared OpenAPI schemas. */
export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi("Error");

export const errorResponses = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [code, { description: "Error", content: { "application/json": { schema: ErrorSchema } } }]),
  ) as Record<number, { description: string; content: { "application/json": { schema: typeof ErrorSchema } } }>;

export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  body: { content: { "application/json": { schema } }, required },
});
export const jsonResponse = <T extends z.ZodType>(schema: T, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
