import { describe, expect, it } from "vitest";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createServiceApp, type MetricPoint, type MetricsReader } from "@tickets/common";
import type { Env } from "../src/env";
import { analyticsEngineSource } from "../src/domain/analytics-engine";
import { metricsSummary } from "../src/domain/metrics-summary";
import { call, testEnv, user } from "./helpers";

// The readable copy of the metrics (workers/dev-metrics), which the local driver summarises.
const recorder = testEnv.DEV_METRICS as MetricsReader;
const point = (p: Partial<MetricPoint> & Pick<MetricPoint, "name" | "worker">, minutesAgo = 1): MetricPoint => ({
  label: "",
  subject: "",
  value: 1,
  ...p,
  at: Date.now() - minutesAgo * 60_000,
});

describe("GET /api/admin/metrics", () => {
  it("is for admins only: 401 without a token, 403 for organizers and buyers", async () => {
    expect((await call("/api/admin/metrics")).status).toBe(401);
    for (const role of ["organizer", "buyer"] as const) {
      const res = await call("/api/admin/metrics", user([role]));
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("forbidden");
    }
  });

  it("summarises the last hour of recorded points: counts, labels, issuance lag p50/p95, 5xx per worker, consumer lag", async () => {
    const lags = Array.from({ length: 20 }, (_, i) => (i + 1) * 100); // 100 … 2000 ms
    await recorder.record([
      point({ name: "order_created", worker: "orders", subject: "ev-1" }),
      point({ name: "order_created", worker: "orders", subject: "ev-1" }),
      point({ name: "order_sold_out", worker: "orders", subject: "ev-1" }),
      point({ name: "payment", worker: "payments", label: "succeeded" }),
      point({ name: "payment", worker: "payments", label: "failed" }),
      point({ name: "ipn_error", worker: "payments", label: "bad_checksum" }),
      ...lags.map((value) => point({ name: "tickets_issued", worker: "tickets", value })),
      point({ name: "http_5xx", worker: "gateway", label: "502" }),
      point({ name: "http_5xx", worker: "orders", label: "500" }),
      point({ name: "http_5xx", worker: "orders", label: "500" }),
      point({ name: "queue_lag", worker: "tickets", label: "tickets-inbox", value: 40 }),
      point({ name: "queue_lag", worker: "tickets", label: "tickets-inbox", value: 900 }),
      point({ name: "dead_letter", worker: "orders", label: "orders-dlq" }),
      // outside the window: not counted
      point({ name: "order_created", worker: "orders" }, 61),
      point({ name: "tickets_issued", worker: "tickets", value: 99_999 }, 61),
    ]);
    const res = await call("/api/admin/metrics", user(["admin"]));
    expect(res.status).toBe(200);
    const summary = res.json;
    expect(summary.source).toBe("local");
    expect(Date.parse(summary.to) - Date.parse(summary.from)).toBe(3_600_000);
    expect(summary.counts).toMatchObject({ order_created: 2, order_sold_out: 1, payment: 2, ipn_error: 1, tickets_issued: 20, check_in: 0, dead_letter: 1 });
    expect(summary.byLabel.payment).toEqual({ succeeded: 1, failed: 1 });
    expect(summary.byLabel.ipn_error).toEqual({ bad_checksum: 1 });
    expect(summary.issuanceLagMs).toEqual({ count: 20, p50: 1000, p95: 1900 });
    expect(summary.serverErrors).toEqual({ total: 3, byWorker: { gateway: 1, orders: 2 } });
    expect(summary.queueLagMaxMs).toEqual({ "tickets-inbox": 900 });
  });
});

describe("http_5xx", () => {
  it("every service app counts the 5xx it answers, thrown or returned, labelled with the status; not its 4xx", async () => {
    const app = createServiceApp<Env>("probe");
    app.get("/boom", () => {
      throw new Error("kaboom");
    });
    app.get("/busy", (c) => c.json({ error: { code: "busy", message: "busy" } }, 503));
    const ctx = createExecutionContext();
    for (const [path, status] of [["/boom", 500], ["/busy", 503], ["/nothing-here", 404]] as const) {
      expect((await app.fetch(new Request(`http://reports.internal${path}`), testEnv, ctx)).status).toBe(status);
    }
    await waitOnExecutionContext(ctx);
    const counted = (await recorder.points({ name: "http_5xx", since: 0 })).filter((p) => p.worker === "probe");
    expect(counted.map((p) => p.label).sort()).toEqual(["500", "503"]);
  });
});

describe("the Analytics Engine driver (production)", () => {
  type Sent = { url: string; init: RequestInit };
  /** The SQL API as Cloudflare documents it: FORMAT JSON, 64-bit sums as strings. */
  function sqlApi(sent: Sent[], answer: (sql: string) => unknown, status = 200): typeof fetch {
    return (async (url: string, init: RequestInit) => {
      sent.push({ url, init });
      return Response.json(answer(String(init.body)), { status });
    }) as unknown as typeof fetch;
  }

  it("queries the dataset of the last hour with the API token and weighs sampled rows", async () => {
    const sent: Sent[] = [];
    const fetcher = sqlApi(sent, (sql) =>
      sql.includes("quantileExactWeighted")
        ? { data: [{ count: "40", p50: 850, p95: 1700 }] }
        : {
            data: [
              { name: "order_created", worker: "orders", label: "", count: "1200", maxValue: 1 },
              { name: "payment", worker: "payments", label: "succeeded", count: "30", maxValue: 1 },
              { name: "http_5xx", worker: "orders", label: "500", count: "4", maxValue: 1 },
              { name: "renamed_long_ago", worker: "orders", label: "", count: "9", maxValue: 1 },
            ],
          },
    );
    const source = analyticsEngineSource({ accountId: "acc123", apiToken: "tok", dataset: "tickets_metrics" }, fetcher);
    const now = new Date("2026-11-28T08:00:00Z");
    const summary = await metricsSummary(source, now);

    expect(sent).toHaveLength(2);
    for (const { url, init } of sent) {
      expect(url).toBe("https://api.cloudflare.com/client/v4/accounts/acc123/analytics_engine/sql");
      expect(init.method).toBe("POST");
      expect((init.headers as Record<string, string>).authorization).toBe("Bearer tok");
      expect(init.body).toContain("FROM tickets_metrics WHERE");
      expect(init.body).toContain(`timestamp >= toDateTime(${Date.parse("2026-11-28T07:00:00Z") / 1000})`);
      expect(init.body).toContain("_sample_interval");
    }
    expect(summary).toMatchObject({
      source: "analytics_engine",
      counts: { order_created: 1200, payment: 30, http_5xx: 4, ipn_error: 0 },
      byLabel: { payment: { succeeded: 30 } },
      issuanceLagMs: { count: 40, p50: 850, p95: 1700 },
      serverErrors: { total: 4, byWorker: { orders: 4 } },
    });
  });

  it("answers no lag figures for an hour without issuance, and fails loudly when the API refuses", async () => {
    const empty = analyticsEngineSource({ accountId: "a", apiToken: "t", dataset: "tickets_metrics" }, sqlApi([], () => ({ data: [{ count: "0", p50: 0, p95: 0 }] })));
    expect(await empty.issuanceLag(new Date())).toEqual({ count: 0, p50: null, p95: null });
    const refused = analyticsEngineSource({ accountId: "a", apiToken: "bad", dataset: "tickets_metrics" }, sqlApi([], () => ({ errors: [{ message: "auth" }] }), 403));
    await expect(refused.groups(new Date())).rejects.toThrow(/answered 403/);
    expect(() => analyticsEngineSource({ accountId: "a", apiToken: "t", dataset: "x; DROP" })).toThrow(/not a dataset name/);
  });
});
