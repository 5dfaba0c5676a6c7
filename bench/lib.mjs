// Shared pieces of the benchmarks: boot the real stack, a bounded keep-alive HTTP client,
// token minting with the local auth key, and percentiles.
import http from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { SignJWT, importJWK } from "jose";
import { ulid } from "ulid";
import { startStack, freePort, ROOT } from "../scripts/stack.mjs";

export async function bootStack(vars = {}) {
  const persistTo = mkdtempSync(join(tmpdir(), "tickets-bench-"));
  const port = await freePort();
  // BENCH_STACK_LOG=1 shows the stack's own log (every request with its status and duration);
  // BENCH_STACK_LOG=<file> writes it, the workers' JSON log lines included, to that file.
  const logTo = process.env.BENCH_STACK_LOG;
  const logFile = logTo && logTo !== "1" ? logTo : null;
  const stack = await startStack({ port, persistTo, quiet: logTo !== "1", logFile, vars });
  return {
    ...stack,
    async stop() {
      await stack.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

/** A client over a fixed pool of keep-alive connections (see ARCHITECTURE.md on why bounded). */
export function createClient(baseUrl, poolSize) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: poolSize, maxFreeSockets: poolSize });
  const { hostname, port } = new URL(baseUrl);
  function request(method, path, { body, headers = {}, timeoutMs = 120_000 } = {}) {
    return new Promise((resolve) => {
      const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const req = http.request(
        { agent, hostname, port, method, path, headers: { ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}), ...headers } },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json = null;
            try { json = JSON.parse(text); } catch {}
            resolve({ status: res.statusCode, headers: res.headers, json, text });
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout")));
      req.on("error", (err) => resolve({ status: 0, error: err.message, json: null, text: "" }));
      if (payload) req.write(payload);
      req.end();
    });
  }
  return { request, close: () => agent.destroy() };
}

/** Access tokens signed with the local auth key, exactly what /api/auth/login would hand out. */
export async function tokenMinter() {
  const vars = readFileSync(join(ROOT, "workers", "auth", ".dev.vars"), "utf8");
  const line = vars.split("\n").find((l) => l.startsWith("AUTH_SIGNING_JWK"));
  if (!line) throw new Error("AUTH_SIGNING_JWK not found in workers/auth/.dev.vars");
  let raw = line.slice(line.indexOf("=") + 1).trim();
  if (raw.startsWith("'") || raw.startsWith('"')) raw = raw.slice(1, -1);
  const jwk = JSON.parse(raw.replace(/\\"/g, '"'));
  const key = await importJWK(jwk, "ES256");
  return async function mint(roles = ["buyer"]) {
    const userId = ulid();
    const email = `bench-${userId.toLowerCase()}@example.test`;
    const token = await new SignJWT({ email, roles, sid: ulid() })
      .setProtectedHeader({ alg: "ES256", kid: jwk.kid })
      .setIssuer("tickets-auth")
      .setAudience("tickets-api")
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(key);
    return { userId, email, token };
  };
}

/** A distinct client address per buyer (10.0.0.0/8), so no two buyers share an address-keyed bucket. */
export const buyerAddress = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

export function percentile(sorted, p) {
  if (!sorted.length) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/** Releases every request at once; each latency counts from the release (queueing included). */
export async function releaseAll(count, send) {
  const latencies = new Array(count);
  const results = new Array(count);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const start = performance.now();
      results[i] = await send(i);
      latencies[i] = performance.now() - start;
    }),
  );
  const elapsedMs = performance.now() - t0;
  const sorted = [...latencies].sort((a, b) => a - b);
  const statuses = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    results,
    elapsedMs,
    perSec: count / (elapsedMs / 1000),
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    statuses,
  };
}

export function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function writeResult(name, data) {
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  const file = join(ROOT, "bench", "results", name);
  writeFileSync(file, JSON.stringify(data, null, 2) + "\n");
  return file;
}

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join("  ")).join("\n");
}

export const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** An organizer, a published event 20 days ahead and one ticket type on sale (preparation, not measured). */
export async function publishedSale(client, { title, priceVnd, quantity, maxPerOrder, ip }) {
  const org = await client.request("POST", "/api/auth/register", {
    body: { email: `bench-organizer-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.test`, password: "bench-organizer-pass", name: `${title} Org`, role: "organizer" },
    headers: { "cf-connecting-ip": ip },
  });
  if (org.status !== 201) throw new Error(`organizer register: ${org.status} ${org.text}`);
  const orgAuth = { authorization: `Bearer ${org.json.accessToken}` };
  const now = Date.now();
  const ev = await client.request("POST", "/api/events", {
    headers: orgAuth,
    body: { title, venue: "Bench Hall", city: "Ha Noi", startsAt: new Date(now + 20 * 864e5).toISOString(), endsAt: new Date(now + 20 * 864e5 + 36e5).toISOString() },
  });
  if (ev.status !== 201) throw new Error(`create event: ${ev.status} ${ev.text}`);
  const eventId = ev.json.event.id;
  const tt = await client.request("POST", `/api/events/${eventId}/ticket-types`, { headers: orgAuth, body: { name: "GA", priceVnd, quantity, maxPerOrder } });
  if (tt.status !== 201) throw new Error(`ticket type: ${tt.status} ${tt.text}`);
  await client.request("POST", `/api/events/${eventId}/publish`, { headers: orgAuth });
  return { eventId, ticketTypeId: tt.json.ticketType.id };
}

/** One order per new buyer (each from its own client address), placed one after another (preparation, not measured). */
export async function placeOrders(client, sale, count, quantityOf = () => 1) {
  const mint = await tokenMinter();
  const run = Date.now();
  const placed = [];
  for (let i = 0; i < count; i++) {
    const buyer = await mint();
    const auth = { authorization: `Bearer ${buyer.token}` };
    const res = await client.request("POST", "/api/orders", {
      headers: { ...auth, "idempotency-key": `bench-${run}-${i}`, "cf-connecting-ip": buyerAddress(i) },
      body: { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: quantityOf(i) }] },
    });
    if (res.status !== 201) throw new Error(`order ${i}: ${res.status} ${res.text}`);
    placed.push({ auth, orderId: res.json.order.id, paymentUrl: new URL(res.json.paymentUrl) });
  }
  return placed;
}
