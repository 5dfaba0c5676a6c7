// npm run bench:spike — a steady stream of buyers, then 10× that rate for a while, then steady
// again, against the real stack (localhost only, over a bounded pool of keep-alive connections).
// Each buyer has its own token and client address. The event is a hot one (its stock split over
// shards: INVENTORY_HOT_TICKETS is set below its size) and sells out during the last phase, so
// "no oversell" is tested where it matters. Reports p99 per phase, errors, and how long after
// the burst the p99 came back to the steady phase's p99 (the baseline, measured in the same run).
import { bootStack, createClient, tokenMinter, percentile, machine, writeResult, table, round, publishedSale, buyerAddress } from "./lib.mjs";

const RATE = Number(process.env.BENCH_STEADY_RATE ?? 20); // orders per second
const STEADY_S = Number(process.env.BENCH_STEADY_S ?? 20);
const BURST_S = Number(process.env.BENCH_BURST_S ?? 10);
const FACTOR = Number(process.env.BENCH_BURST_FACTOR ?? 10);
const POOL = Number(process.env.BENCH_POOL ?? 128);
const WINDOW_MS = 1000;
/** Recovered: the first 1-s window after the burst whose p99 is within this factor of the steady p99. */
const RECOVERY_TOLERANCE = 1.2;

const phases = [
  { name: "steady", rate: RATE, seconds: STEADY_S },
  { name: "burst", rate: RATE * FACTOR, seconds: BURST_S },
  { name: "after", rate: RATE, seconds: STEADY_S },
];
const demand = phases.reduce((n, p) => n + p.rate * p.seconds, 0);
// Sells out early in the last phase: the final seconds are refusals next to a full event.
const QUANTITY = Math.round(demand - (RATE * STEADY_S) / 2);

const progress = (what) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${what}\n`);
progress("booting the stack");
const stack = await bootStack({ INVENTORY_HOT_TICKETS: String(Math.min(1000, QUANTITY)) });
const client = createClient(stack.baseUrl, POOL);
try {
  const sale = await publishedSale(client, { title: "Spike bench", priceVnd: 200_000, quantity: QUANTITY, maxPerOrder: 2, ip: "127.0.0.53" });
  progress("preparing (event, tokens, warm-up)");
  const mint = await tokenMinter();
  const buyers = [];
  for (let i = 0; i < demand + 20; i++) buyers.push(await mint());
  const run = Date.now();
  const order = (i) =>
    client.request("POST", "/api/orders", {
      headers: { authorization: `Bearer ${buyers[i].token}`, "idempotency-key": `spike-${run}-${i}`, "cf-connecting-ip": buyerAddress(i) },
      body: { eventId: sale.eventId, items: [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }] },
    });
  // Warm-up (isolates, JIT, the event's objects), not measured; these 20 orders take stock too.
  for (let i = demand; i < demand + 20; i++) {
    const r = await order(i);
    if (r.status !== 201) throw new Error(`warm-up order: ${r.status} ${r.text}`);
  }

  progress(`steady ${STEADY_S} s, burst ${BURST_S} s, steady ${STEADY_S} s`);
  // Open loop: each request starts on schedule whatever the earlier ones are doing.
  const samples = [];
  const t0 = performance.now();
  let i = 0;
  const inFlight = [];
  let phaseStart = 0;
  for (const phase of phases) {
    const count = phase.rate * phase.seconds;
    for (let k = 0; k < count; k++) {
      const due = phaseStart + (k * 1000) / phase.rate;
      const wait = t0 + due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const idx = i++;
      const startedAt = performance.now() - t0;
      inFlight.push(order(idx).then((res) => samples.push({ phase: phase.name, startedAt, ms: performance.now() - t0 - startedAt, status: res.status, code: res.json?.error?.code ?? null, created: res.status === 201 })));
    }
    phaseStart += phase.seconds * 1000;
  }
  await Promise.all(inFlight);
  const burstEnd = (STEADY_S + BURST_S) * 1000;

  const stats = (xs) => {
    const ms = xs.map((s) => s.ms).sort((a, b) => a - b);
    return { requests: xs.length, p50Ms: round(percentile(ms, 50)), p99Ms: round(percentile(ms, 99)) };
  };
  const byPhase = Object.fromEntries(phases.map((p) => [p.name, stats(samples.filter((s) => s.phase === p.name))]));
  const steadyP99 = byPhase.steady.p99Ms;
  // p99 of each 1-s window of requests started after the burst: when is it back to steady?
  const windows = [];
  for (let start = burstEnd; start < burstEnd + STEADY_S * 1000; start += WINDOW_MS) {
    const w = samples.filter((s) => s.startedAt >= start && s.startedAt < start + WINDOW_MS);
    if (w.length) windows.push({ fromBurstEndMs: start - burstEnd, ...stats(w) });
  }
  const recovered = windows.find((w) => w.p99Ms <= steadyP99 * RECOVERY_TOLERANCE);

  const errors = samples.filter((s) => s.status === 0 || s.status >= 500 || (!s.created && s.code !== "sold_out")).length;
  const created = samples.filter((s) => s.created).length + 20;
  await new Promise((r) => setTimeout(r, 3000)); // listings lag the inventory by ≤ 1–2 s
  let detail;
  for (let attempt = 0; attempt < 10 && detail?.status !== 200; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 2000));
    detail = await client.request("GET", `/api/events/${sale.eventId}`);
  }
  if (detail.status !== 200) throw new Error(`event listing: ${detail.status} ${detail.text.slice(0, 200)} (phases: ${JSON.stringify(byPhase)})`);
  const [listed] = detail.json.event.ticketTypes;
  const taken = listed.quantity - listed.available;
  const oversold = Math.max(0, created - QUANTITY) + Math.max(0, taken - QUANTITY);

  const result = {
    steadyRatePerSec: RATE,
    burstRatePerSec: RATE * FACTOR,
    phases: phases.map((p) => ({ ...p, ...byPhase[p.name] })),
    quantity: QUANTITY,
    demand,
    created,
    taken,
    oversold,
    errors,
    errorRate: round(errors / samples.length, 5),
    steadyP99Ms: steadyP99,
    burstP99Ms: byPhase.burst.p99Ms,
    afterP99Ms: byPhase.after.p99Ms,
    burstP99VsSteady: round(byPhase.burst.p99Ms / steadyP99, 2),
    recoveryTolerance: RECOVERY_TOLERANCE,
    recoveredAfterMs: recovered ? recovered.fromBurstEndMs + WINDOW_MS : null,
    afterWindows: windows,
    statuses: samples.reduce((m, s) => ((m[s.status] = (m[s.status] ?? 0) + 1), m), {}),
    errorCodes: samples.filter((s) => !s.created).reduce((m, s) => ((m[`${s.status} ${s.code}`] = (m[`${s.status} ${s.code}`] ?? 0) + 1), m), {}),
    errorsByPhase: Object.fromEntries(phases.map((p) => [p.name, samples.filter((s) => s.phase === p.name && (s.status === 0 || s.status >= 500)).length])),
    connectionPool: POOL,
    machine: machine(),
    measuredAt: new Date().toISOString(),
  };
  const file = writeResult("spike.json", result);
  console.log(`\nSpike: ${RATE}/s for ${STEADY_S} s, ${RATE * FACTOR}/s for ${BURST_S} s, ${RATE}/s for ${STEADY_S} s; ${QUANTITY} tickets for ${demand} buyers (sharded event), ${POOL} connections\n`);
  console.log(table([
    ["phase", "orders/s offered", "requests", "p50 ms", "p99 ms", "p99 vs steady"],
    ...result.phases.map((p) => [p.name, p.rate, p.requests, p.p50Ms, p.p99Ms, (p.p99Ms / steadyP99).toFixed(2)]),
  ]));
  console.log(`\nrecovered to ≤ ${RECOVERY_TOLERANCE} × steady p99 (${steadyP99} ms): ${recovered ? `${result.recoveredAfterMs} ms after the burst` : "not within the after phase"}`);
  console.log(`created ${created} orders for ${QUANTITY} tickets (listing says ${taken} taken)  oversold ${oversold}  errors ${errors} (${(result.errorRate * 100).toFixed(3)} %)  ${JSON.stringify(result.statuses)}`);
  console.log(`not created: ${JSON.stringify(result.errorCodes)}; 5xx by phase ${JSON.stringify(result.errorsByPhase)}`);
  console.log(`written ${file}`);
  if (oversold > 0 || result.errorRate > 0.001) process.exitCode = 1;
} finally {
  client.close();
  await stack.stop();
}
