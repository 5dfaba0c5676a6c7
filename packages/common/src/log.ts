import type { MiddlewareHandler } from "hono";
import { ulid } from "ulid";

export type LogFields = Record<string, unknown>;
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Structured JSON logs: one line per record, Workers Logs indexes the fields. */
export function createLogger(base: LogFields = {}): Logger {
  const write = (level: string, msg: string, fields?: LogFields) =>
    console.log(JSON.stringify({ level, msg, time: new Date().toISOString(), ...base, ...fields }));
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (f) => createLogger({ ...base, ...f }),
  };
}

export const REQUEST_ID_HEADER = "x-request-id";
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a sane caller-supplied x-request-id or makes one; sets c.var.requestId and c.var.log. */
export function requestContext(service: string): MiddlewareHandler {
  return async (c, next) => {
    const sent = c.req.header(REQUEST_ID_HEADER);
    const requestId = sent && REQUEST_ID_RE.test(sent) ? sent : ulid();
    c.set("requestId" as never, requestId as never);
    c.set("log" as never, createLogger({ service, requestId }) as never);
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
  };
}
