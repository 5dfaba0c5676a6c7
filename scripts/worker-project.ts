// One vitest project per worker: its tests run inside workerd with the worker's own wrangler
// config (real D1, DO, queues, R2) and its D1 migrations applied before each test file.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { buildSync } from "esbuild";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * `workers`: auxiliary workers (plain ESM, no bundling) standing in for the other workers this
 * one binds (service bindings, cross-script Durable Objects), which workerd must resolve to start.
 * `miniflare`: extra options for the worker under test, merged over its wrangler config (e.g. a
 * test-only producer for its own inbox queue).
 */
/** One ES module for workerd from a TypeScript entry (auxiliary workers cannot be bundled by the plugin). */
export function bundleForWorkerd(entry: string): string {
  return buildSync({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    write: false,
  }).outputFiles[0].text;
}

/**
 * The development metrics recorder (workers/dev-metrics), bundled: every worker that binds
 * DEV_METRICS gets the real one, so its tests can read back the metric points it wrote.
 */
function devMetricsWorker() {
  const contents = bundleForWorkerd(join(ROOT, "workers", "dev-metrics", "src", "index.ts"));
  return {
    name: "dev-metrics",
    modules: [{ type: "ESModule", path: join(ROOT, "workers", "dev-metrics", ".dev-metrics.bundle.mjs"), contents }],
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat"],
    durableObjects: { POINTS: { className: "MetricPoints", useSQLite: true } },
  };
}

export async function workerProject(
  name: string,
  opts: {
    include?: string[];
    bindings?: Record<string, unknown>;
    workers?: Array<Record<string, unknown>>;
    miniflare?: Record<string, unknown>;
  } = {},
) {
  const migrationsDir = join(ROOT, "migrations", name);
  const migrations = existsSync(migrationsDir) ? await readD1Migrations(migrationsDir) : [];
  const config = join(ROOT, "workers", name, "wrangler.toml");
  const workers = [...(opts.workers ?? []), ...(readFileSync(config, "utf8").includes('service = "dev-metrics"') ? [devMetricsWorker()] : [])];
  return defineProject({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: config },
        miniflare: {
          ...opts.miniflare,
          // As .dev.vars says (it may predate the key): tests run with the committed dev secrets.
          bindings: { ENVIRONMENT: "development", TEST_MIGRATIONS: migrations, ...opts.bindings },
          ...(workers.length ? { workers } : {}),
        } as never,
      }),
    ],
    test: {
      name,
      root: ROOT,
      include: opts.include ?? [`workers/${name}/test/**/*.test.ts`],
      setupFiles: [join(ROOT, "scripts", "apply-migrations.ts")],
      testTimeout: 30_000,
    },
  });
}
