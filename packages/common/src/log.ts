import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";
import { ulid } from "ulid";

export type LogFields = Record<string, unknown>;
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/**
 * What ties one order's story together across workers: the request that started the work
 * (`requestId`, the gateway's x-request-id) and the order it is about (`correlationId`, the order
 * id for the checkout saga). It lives for the duration of a request, a queue message or a cron
 * step (see `withTrace`), every log line written meanwhile carries it, `makeEvent` stamps the
 * request id on the envelopes it makes, and RPC callers pass `currentTrace()` along.
 */
export type Trace = { requestId?: string; correlationId?: string };
const traceStore = new AsyncLocalStorage<Trace>();

export const currentTrace = (): Trace => traceStore.getStore() ?? {};

/** Runs `fn` with these trace fields added to the current ones (undefined ones are ignored). */
export function withTrace<T>(trace: Trace | undefined, fn: () => T): T {
  const set = Object.fromEntries(Object.entries(trace ?? {}).filter(([, v]) => typeof v === "string" && v.length > 0));
  return traceStore.run({ ...currentTrace(), ...set }, fn);
}

/** Fields whose values are credentials whatever they hold: never logged. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|securehash|signature|(^|[-_])sig$|jwk|api[-_]?key/i;
/** Credentials inside free text (error messages, URLs): JWTs, bearer tokens, VNPAY hashes. */
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[jwt]"],
  [/(Bearer\s+)[^\s"]+/gi, "$1[redacted]"],
  [/(vnp_SecureHash=)[^&\s"]+/gi, "$1[redacted]"],
];

function redact(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key) && value !== null && typeof value !== "object") return "[redacted]";
  if (typeof value === "string") return SECRET_TEXT.reduce((text, [re, by]) => text.replace(re, by), value);
  return value;
}

/**
 * Structured JSON logs: one line per record, Workers Logs indexes the fields. Credentials are
 * redacted at any depth, whatever a caller passes (see SECRET_KEY and SECRET_TEXT). The current
 * trace (request id, correlation id) is on every line unless the logger's own fields name them.
 */
export function createLogger(base: LogFields = {}): Logger {
  const write = (level: string, msg: string, fields?: LogFields) =>
    console.log(JSON.stringify({ level, msg, time: new Date().toISOString(), ...currentTrace(), ...base, ...fields }, redact));
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (f) => createLogger({ ...base, ...f }),
  };
}

export const REQUEST_ID_HEADER = "x-request-id";
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Echoes a sane caller-supplied x-request-id or makes one; sets c.var.requestId and c.var.log, and
 * runs the request in its trace (so the lines and events it makes carry the request id).
 */
export function requestContext(service: string): MiddlewareHandler {
  return async (c, next) => {
    const sent = c.req.header(REQUEST_ID_HEADER);
    const requestId = sent && REQUEST_ID_RE.test(sent) ? sent : ulid();
    c.set("requestId" as never, requestId as never);
    c.set("log" as never, createLogger({ service, requestId }) as never);
    await withTrace({ requestId }, () => next());
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
  };
}
