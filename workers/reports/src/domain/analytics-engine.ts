import { z } from "zod";
import { metricNameSchema } from "@tickets/common";
import type { MetricsSource } from "./metrics-summary";

export type AnalyticsEngineConfig = { accountId: string; apiToken: string; dataset: string };

/** Analytics Engine answers FORMAT JSON with `data` rows; 64-bit integers may arrive as strings. */
const num = z.union([z.number(), z.string()]).transform(Number);
const resultSchema = <T extends z.ZodType>(row: T) => z.object({ data: z.array(row) });
const groupRow = z.object({ name: z.string(), worker: z.string(), label: z.string(), count: num, maxValue: num });
const lagRow = z.object({ count: num, p50: num.nullable(), p95: num.nullable() });

/** Only a plain dataset name goes into the SQL text (it comes from a var, but is not quoted by the API). */
const DATASET = /^[A-Za-z0-9_]{1,64}$/;
const at = (d: Date) => `toDateTime(${Math.floor(d.getTime() / 1000)})`;

/**
 * The production driver: the Workers Analytics Engine SQL API
 * (POST https://api.cloudflare.com/client/v4/accounts/{account}/analytics_engine/sql, an API
 * token with Account Analytics: Read). Sampled rows count `_sample_interval` times.
 */
export function analyticsEngineSource(config: AnalyticsEngineConfig, fetcher: typeof fetch = fetch): MetricsSource {
  if (!DATASET.test(config.dataset)) throw new Error(`not a dataset name: ${config.dataset}`);
  async function query<T extends z.ZodType>(sql: string, row: T): Promise<z.infer<T>[]> {
    const res = await fetcher(`https://api.cloudflare.com/client/v4/accounts/${encodeURIComponent(config.accountId)}/analytics_engine/sql`, {
      method: "POST",
      headers: { authorization: `Bearer ${config.apiToken}`, "content-type": "text/plain" },
      body: sql,
    });
    if (!res.ok) throw new Error(`Analytics Engine SQL API answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return resultSchema(row).parse(await res.json()).data;
  }
  return {
    kind: "analytics_engine",
    async groups(since) {
      const rows = await query(
        `SELECT blob1 AS name, blob2 AS worker, blob3 AS label, SUM(_sample_interval) AS count, MAX(double1) AS maxValue
         FROM ${config.dataset} WHERE timestamp >= ${at(since)} GROUP BY name, worker, label FORMAT JSON`,
        groupRow,
      );
      return rows.flatMap((r) => {
        const name = metricNameSchema.safeParse(r.name);
        return name.success ? [{ ...r, name: name.data }] : [];
      });
    },
    async issuanceLag(since) {
      const [row] = await query(
        `SELECT SUM(_sample_interval) AS count, quantileExactWeighted(0.5, double1, _sample_interval) AS p50,
                quantileExactWeighted(0.95, double1, _sample_interval) AS p95
         FROM ${config.dataset} WHERE index1 = 'tickets_issued' AND timestamp >= ${at(since)} FORMAT JSON`,
        lagRow,
      );
      if (!row || !row.count) return { count: 0, p50: null, p95: null };
      return row;
    },
  };
}
