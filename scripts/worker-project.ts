// One vitest project per worker: its tests run inside workerd with the worker's own wrangler
// config (real D1, DO, queues, R2) and its D1 migrations applied before each test file.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { existsSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * `workers`: auxiliary workers (plain ESM, no bundling) standing in for the other workers this
 * one binds (service bindings, cross-script Durable Objects), which workerd must resolve to start.
 * `miniflare`: extra options for the worker under test, merged over its wrangler config (e.g. a
 * test-only producer for its own inbox queue).
 */
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
  return defineProject({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: join(ROOT, "workers", name, "wrangler.toml") },
        miniflare: {
          ...opts.miniflare,
          // As .dev.vars says (it may predate the key): tests run with the committed dev secrets.
          bindings: { ENVIRONMENT: "development", TEST_MIGRATIONS: migrations, ...opts.bindings },
          ...(opts.workers ? { workers: opts.workers } : {}),
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
