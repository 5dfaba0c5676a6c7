import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CircuitOpenError, TimeoutError } from "./resilience";

/** The contract's error body: {"error":{"code","message","details?"}}. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Throw anywhere in a handler or domain function; the app's error handler renders it. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const errors = {
  invalidRequest: (message = "The request is invalid", details?: unknown) =>
    new ApiError(400, "invalid_request", message, details),
  unauthorized: (message = "Authentication required") => new ApiError(401, "unauthorized", message),
  forbidden: (message = "You are not allowed to do this") => new ApiError(403, "forbidden", message),
  notFound: (what = "Resource") => new ApiError(404, "not_found", `${what} not found`),
  conflict: (code: string, message: string, details?: unknown) => new ApiError(409, code, message, details),
  invalidState: (message: string, details?: unknown) => new ApiError(409, "invalid_state", message, details),
};

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  details?: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(errorBody(code, message, details)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Hono onError: ApiError as-is, a dependency past its deadline or behind an open breaker 503, everything else a 500 without a stack. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return errorResponse(err.status, err.code, err.message, err.details, err.headers);
  }
  if (err instanceof TimeoutError || err instanceof CircuitOpenError) {
    const log = c.get("log" as never) as { warn?: (m: string, f?: object) => void } | undefined;
    log?.warn?.("dependency_unavailable", { error: err.message });
    return errorResponse(503, "service_unavailable", "A service this request needs is not answering; try again shortly", undefined, { "retry-after": "5" });
  }
  // Hono's own HTTPException (e.g. from body-limit) carries a status.
  const status = (err as { status?: number }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return errorResponse(status, status === 413 ? "payload_too_large" : "invalid_request", err.message);
  }
  const log = c.get("log" as never) as { error?: (m: string, f?: object) => void } | undefined;
  log?.error?.("unhandled_error", { error: err.message, stack: err.stack });
  if (!log?.error) console.error(JSON.stringify({ level: "error", msg: "unhandled_error", error: err.message }));
  return errorResponse(500, "internal_error", "Something went wrong on our side");
}

export function notFoundRoute(): Response {
  return errorResponse(404, "not_found", "No such route");
}
