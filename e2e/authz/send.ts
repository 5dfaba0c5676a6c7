import type { RequestParts } from "./expected";
import type { Role, World } from "./fixtures";
import { fillPath, minimalValue, type Operation } from "../openapi-ops";
import { patiently } from "./patience";

/** The fixture resource a path parameter names, from the parameter and the path segment before it. */
export function defaultParam(op: Operation, name: string, w: World): string | undefined {
  if (name === "ttId") return w.sale.ticketTypeId;
  if (name === "eventId") return w.sale.eventId;
  if (name === "orderId") return w.order;
  if (name === "date") return w.reportDate;
  if (name !== "id") return undefined;
  const before = op.path.split("/{id}")[0];
  if (/\/support\/tickets$/.test(before)) return w.supportTicket;
  if (/\/events$/.test(before)) return w.sale.eventId;
  if (/\/orders$/.test(before)) return w.order;
  if (/\/tickets$/.test(before)) return w.ticket.id;
  if (/\/refunds$/.test(before)) return w.refund;
  return undefined;
}

/**
 * Sends one operation as `role`: path parameters from `parts` or World, required headers made up,
 * the body from `parts` (or derived from the schema; `raw` sends text as is). Waits out 429s.
 */
export async function sendAs(op: Operation, role: Role, parts: RequestParts & { raw?: string }, w: World, client = w.clients[role], maxRetries = 4) {
  const params: Record<string, string> = {};
  for (const name of op.pathParams) {
    const value = parts.params?.[name] ?? defaultParam(op, name, w);
    if (value === undefined) throw new Error(`${op.operationId}: no fixture for path parameter {${name}}; give its rule a request() in e2e/authz/expected.ts`);
    params[name] = value;
  }
  const query = parts.query ? `?${new URLSearchParams(parts.query)}` : "";
  const headers: Record<string, string> = { ...parts.headers };
  for (const h of op.requiredHeaders) headers[h] ??= `authz-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  if (parts.token) headers.authorization = `Bearer ${parts.token}`;
  const body = "body" in parts ? parts.body : op.bodySchema ? minimalValue(op.bodySchema) : undefined;
  if (parts.raw !== undefined) headers["content-type"] = "application/json";
  return patiently(() => client.call(op.method, fillPath(op.path, params) + query, parts.raw !== undefined ? { raw: parts.raw, headers } : { body, headers }), maxRetries);
}

