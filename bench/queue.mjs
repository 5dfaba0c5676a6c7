// npm run bench:queue — the waiting room on the booted stack (localhost only, bounded):
// N buyers (each its own cf-connecting-ip) join one event's room at once, next to a baseline
// (GET /api/ping: JWT, rate limit, one service hop) measured in the same run with the same
// client; then admissions are watched for BENCH_ADMIT_SECONDS against the configured rate, and
// the room's SQLite size is divided by the waiters it holds.
import { bootStack, createClient, machine, percentile, round, table, tokenMinter, writeResult } from "./lib.mjs";

const N = Number(process.env.BENCH_N ?? 1000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 50);
const RATE = Number(process.env.BENCH_ADMIT_PER_MINUTE ?? 600);
const WATCH_S = Number(process.env.BENCH_ADMIT_SECONDS ?? 20);

const ip = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1}`;

async function timed(count, concurrency, one) {
  const latencies = [];
  const statuses = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        const res = await one(i);
        latencies.push(performance.now() - t);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSec: round(count / seconds), p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), statuses };
}

const stack = await bootStack();
const client = createClient(stack.baseUrl, C);
try {
  const mint = await tokenMinter();
  const org = await mint(["organizer"]);
  const orgAuth = { authorization: `Bearer ${org.token}`, "cf-connecting-ip": "10.255.0.1" };
  const now = Date.now();
  const ev = await client.request("POST", "/api/events", {
    headers: orgAuth,
    body: { title: "Queue bench", venue: "Bench Hall", startsAt: new Date(now + 20 * 864e5).toISOString(), endsAt: new Date(now + 20 * 864e5 + 36e5).toISOString() },
  });
  if (ev.status !== 201) throw new Error(`create event: ${ev.status} ${ev.text}`);
  const eventId = ev.json.event.id;
  await client.request("POST", `/api/events/${eventId}/ticket-types`, { headers: orgAuth, body: { name: "GA", priceVnd: 100_000, quantity: 100_000, maxPerOrder: 2 } });
  await client.request("POST", `/api/events/${eventId}/publish`, { headers: orgAuth });
  const on = await client.request("PATCH", `/api/events/${eventId}`, { headers: orgAuth, body: { queue: { enabled: true, admitPerMinute: RATE } } });
  if (on.status !== 200) throw new Error(`queue on: ${on.status} ${on.text}`);
  const emptyRoom = (await client.request("GET", `/api/events/${eventId}/queue`, { headers: orgAuth })).json;

  const buyers = [];
  for (let i = 0; i < N; i++) buyers.push({ ...(await mint()), ip: ip(i) });
  const headersOf = (b) => ({ authorization: `Bearer ${b.token}`, "cf-connecting-ip": b.ip });

  const baseline = await timed(N, C, (i) => client.request("GET", "/api/ping", { headers: headersOf(buyers[i]) }));
  const joins = await timed(N, C, (i) => client.request("POST", `/api/events/${eventId}/queue`, { headers: headersOf(buyers[i]) }));
  const rejoins = await timed(Math.min(N, 200), C, (i) => client.request("POST", `/api/events/${eventId}/queue`, { headers: headersOf(buyers[i]) }));

  const before = (await client.request("GET", `/api/events/${eventId}/queue`, { headers: orgAuth })).json;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, WATCH_S * 1000));
  const after = (await client.request("GET", `/api/events/${eventId}/queue`, { headers: orgAuth })).json;
  const minutes = (Date.now() - t0) / 60_000;
  const admittedPerMinute = (after.admittedTotal - before.admittedTotal) / minutes;

  const result = {
    buyers: N,
    concurrency: C,
    baselinePingPerSec: baseline.perSec,
    baseline,
    joinsPerSec: joins.perSec,
    joinRatio: round(joins.perSec / baseline.perSec, 3),
    joins,
    rejoins,
    admission: {
      configuredPerMinute: RATE,
      watchedSeconds: WATCH_S,
      admittedPerMinute: round(admittedPerMinute),
      accuracy: round(admittedPerMinute / RATE, 3),
      waitingAtEnd: after.waiting,
    },
    storage: {
      emptyRoomBytes: emptyRoom.storageBytes,
      withWaitersBytes: before.storageBytes,
      bytesPerWaiter: round((before.storageBytes - emptyRoom.storageBytes) / N),
    },
    machine: { ...machine(), note: "shared 2-core machine, other helpers' test runs in parallel" },
    measuredAt: new Date().toISOString(),
  };
  const file = writeResult("queue.json", result);
  console.log(`\nWaiting room: ${N} buyers join one event's room, ${C} requests in flight\n`);
  console.log(table([
    ["measure", "per second", "p50 ms", "p99 ms", "statuses"],
    ["GET /api/ping (baseline)", baseline.perSec, baseline.p50Ms, baseline.p99Ms, JSON.stringify(baseline.statuses)],
    ["POST …/queue (join)", joins.perSec, joins.p50Ms, joins.p99Ms, JSON.stringify(joins.statuses)],
    ["POST …/queue (again)", rejoins.perSec, rejoins.p50Ms, rejoins.p99Ms, JSON.stringify(rejoins.statuses)],
  ]));
  console.log(`\nadmissions: configured ${RATE}/min, measured ${round(admittedPerMinute)}/min over ${WATCH_S} s (accuracy ${result.admission.accuracy})`);
  console.log(`storage: ${result.storage.bytesPerWaiter} bytes per waiter (room ${before.storageBytes} bytes with ${N} waiters)`);
  console.log(`\n→ ${file}`);
} finally {
  client.close();
  await stack.stop();
}
