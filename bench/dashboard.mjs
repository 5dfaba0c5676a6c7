// npm run bench:dashboard — how soon the dashboard's pages are usable in Chromium on the local
// stack, beside what they cannot beat: the API call the event page waits for and the HTML
// document itself, measured from the same machine in the same run.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/stack.mjs";
import { CHROMIUM_FLAGS, CHROMIUM_PATH, buildDashboard, serveDashboard } from "../scripts/dashboard.mjs";
import { bootStack, machine, percentile, round, table, writeResult } from "./lib.mjs";

const N = Number(process.env.BENCH_N ?? 15);

const dashboardPort = await freePort();
const stack = await bootStack({ DASHBOARD_ORIGIN: `http://localhost:${dashboardPort}` });
const outDir = mkdtempSync(join(tmpdir(), "dashboard-bench-"));
let dashboard;
let browser;
try {
  const { sizes } = await buildDashboard({ apiOrigin: stack.baseUrl, outDir, quiet: true });
  dashboard = await serveDashboard({ port: dashboardPort, dist: outDir });
  const events = await (await fetch(`${stack.baseUrl}/api/events?q=Demo`)).json();
  const eventId = events.items[0]?.id;
  if (!eventId) throw new Error("no demo event seeded");

  const timeNode = async (url) => {
    const samples = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      samples.push(performance.now() - t0);
    }
    return samples;
  };
  const apiEvent = await timeNode(`${stack.baseUrl}/api/events/${eventId}`);
  const html = await timeNode(`${dashboard.url.replace("localhost", "127.0.0.1")}/events/${eventId}`);

  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  /** ms from navigation start until `ready` is visible; `fresh`: a new context (empty cache) each time. */
  const timePage = async (path, ready, fresh) => {
    const samples = [];
    let context = await browser.newContext();
    let page = await context.newPage();
    if (!fresh) await page.goto(dashboard.url + path); // warm the cache and the service worker
    for (let i = 0; i < N; i++) {
      if (fresh && i > 0) {
        await context.close();
        context = await browser.newContext();
        page = await context.newPage();
      }
      await page.goto(dashboard.url + path, { waitUntil: "commit" });
      await ready(page).waitFor({ timeout: 30_000 });
      samples.push(await page.evaluate(() => performance.now()));
    }
    await context.close();
    return samples;
  };
  const quantity = (page) => page.getByLabel(/^Quantity for /).first();
  const eventCold = await timePage(`/events/${eventId}`, quantity, true);
  const eventWarm = await timePage(`/events/${eventId}`, quantity, false);
  const storeCold = await timePage("/", (page) => page.getByRole("link", { name: "Demo Flash Sale" }).first(), true);

  const stats = (samples) => {
    const sorted = [...samples].sort((a, b) => a - b);
    return { median: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1) };
  };
  const rows = {
    "GET /api/events/:id (node, baseline)": stats(apiEvent),
    "GET /events/:id HTML (node, baseline)": stats(html),
    "event page usable, empty cache": stats(eventCold),
    "event page usable, warm cache": stats(eventWarm),
    "storefront usable, empty cache": stats(storeCold),
  };
  const storefrontKb = /storefront JavaScript: ([\d.]+) KB/.exec(sizes)?.[1];
  // The machine's load matters here (2 cores): say what it was.
  const result = { samples: N, rows, storefrontJsGzipKb: Number(storefrontKb), loadAverage1m: round(loadavg()[0], 1), machine: machine(), measuredAt: new Date().toISOString() };
  const file = writeResult("dashboard.json", result);
  console.log(`\nDashboard in Chromium on the local stack (${N} loads each; "usable" = the page's main control visible, from navigation start)\n`);
  console.log(table([["", "median ms", "p95 ms"], ...Object.entries(rows).map(([k, v]) => [k, v.median, v.p95])]));
  console.log(`\nstorefront JavaScript: ${storefrontKb} KB gzip (budget 150 KB); load average (1 min) at the end: ${result.loadAverage1m}\nwritten ${file}`);
} finally {
  await browser?.close();
  await dashboard?.stop();
  await stack.stop();
  rmSync(outDir, { recursive: true, force: true });
}
