#!/usr/bin/env node
// `npm run dlq -- list <queue> [--all] [--json]` and `npm run dlq -- replay <queue> <id…>|--all`:
// the messages a saga inbox gave up on (parked by its dead-letter consumer in the owning
// worker's D1), listed and sent back to their inbox through the worker's admin routes
// (GET/POST /api/<worker>/admin/dead-letters[/replay]). Consumers are idempotent: replaying a
// message twice changes nothing. See docs/runbooks/dlq-replay.md.
//
// Where: $API (default http://localhost:8787, the stack `npm run dev` starts). Who: an admin,
// $ADMIN_TOKEN (an access token), else $ADMIN_EMAIL/$ADMIN_PASSWORD; against a local stack the
// seeded demo admin is the default.
import { pathToFileURL } from "node:url";

/** Queue name (or its worker, or its inbox) → the worker that parks its dead letters. */
export const DLQ_WORKERS = ["orders", "tickets", "notifications", "refunds", "reports"];
const USAGE = `usage: npm run dlq -- list <queue> [--all] [--json]
       npm run dlq -- replay <queue> <id> [<id>…] | --all
queues: ${DLQ_WORKERS.map((w) => `${w}-dlq`).join(", ")} (or just the worker name)`;

export function workerOf(queue) {
  const name = String(queue ?? "").replace(/-(dlq|inbox)(-staging)?$/, "");
  return DLQ_WORKERS.includes(name) ? name : null;
}

const LOCAL_ADMIN = { email: "admin@example.com", password: "admin-demo-pass" };
const isLocal = (baseUrl) => /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(baseUrl);

async function adminToken(baseUrl, env) {
  if (env.ADMIN_TOKEN) return env.ADMIN_TOKEN;
  const creds = env.ADMIN_EMAIL ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD ?? "" } : isLocal(baseUrl) ? LOCAL_ADMIN : null;
  if (!creds) throw new Error("Set ADMIN_TOKEN (or ADMIN_EMAIL and ADMIN_PASSWORD) to an admin's credentials for this stack");
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(creds) });
  if (res.status !== 200) throw new Error(`admin sign-in failed: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return (await res.json()).accessToken;
}

const summary = (body) => {
  if (!body || typeof body !== "object") return String(body).slice(0, 80);
  const p = body.payload && typeof body.payload === "object" ? body.payload : {};
  const ref = ["orderId", "refundId", "ticketId", "eventId"].find((k) => typeof p[k] === "string");
  return `${body.type ?? "(no type)"} ${body.id ?? "(no id)"}${ref ? ` ${ref}=${p[ref]}` : ""}`;
};

/** Exit codes: 0 done, 1 the stack answered an error or is unreachable, 2 bad arguments. */
export async function main(args, { baseUrl = process.env.API || "http://localhost:8787", env = process.env, out = console.log, err = console.error } = {}) {
  baseUrl = baseUrl.replace(/\/+$/, "");
  const [command, queue, ...rest] = args;
  const worker = workerOf(queue);
  if (!["list", "replay"].includes(command) || !worker) {
    err(USAGE);
    return 2;
  }
  const flags = new Set(rest.filter((a) => a.startsWith("--")));
  const ids = rest.filter((a) => !a.startsWith("--"));
  if (command === "replay" && (ids.length === 0) === !flags.has("--all")) {
    err(`replay needs message ids or --all (not both)\n${USAGE}`);
    return 2;
  }

  const base = `${baseUrl}/api/${worker}/admin/dead-letters`;
  let token;
  try {
    token = await adminToken(baseUrl, env);
  } catch (e) {
    err(e.cause ? `Cannot reach the stack at ${baseUrl} (${e.cause.code ?? e.cause.message}). Start it with \`npm run dev\`, or set API.` : e.message);
    return 1;
  }
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

  if (command === "list") {
    const items = [];
    let cursor = null;
    do {
      const q = new URLSearchParams({ limit: "100", ...(flags.has("--all") && { replayed: "include" }), ...(cursor && { cursor }) });
      const res = await fetch(`${base}?${q}`, { headers });
      if (!res.ok) {
        err(`${worker}: ${res.status} ${(await res.text()).slice(0, 300)}`);
        return 1;
      }
      const page = await res.json();
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < 1000);
    if (flags.has("--json")) {
      out(JSON.stringify(items, null, 2));
      return 0;
    }
    if (items.length === 0) out(`${worker}-dlq: nothing parked${flags.has("--all") ? "" : " (not yet replayed; --all lists those too)"}`);
    for (const i of items) out(`${i.id}  ${i.receivedAt}  replays=${i.replays}${i.replayedAt ? ` (last ${i.replayedAt})` : ""}  ${summary(i.body)}`);
    return 0;
  }

  const res = await fetch(`${base}/replay`, { method: "POST", headers, body: JSON.stringify(flags.has("--all") ? { all: true } : { ids }) });
  if (!res.ok) {
    err(`${worker}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return 1;
  }
  const { replayed, notFound } = await res.json();
  out(`${worker}-dlq: replayed ${replayed.length} to ${worker}-inbox${replayed.length ? `: ${replayed.join(", ")}` : ""}`);
  if (notFound.length) {
    err(`not parked in ${worker}-dlq: ${notFound.join(", ")}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
