// Export one domain's D1 database to SQL and restore one from such a file, locally (the persisted
// state `npm run dev` uses) or remotely (an environment's database). Restoring touches only the
// named database: every other domain keeps its data.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ROOT, domainsWithDatabase, readSection, wrangler, type Environment } from "./workers.ts";

export type Target = { local: true; persistTo: string } | { local: false; env: Environment };

export const DEFAULT_PERSIST_TO = join(ROOT, ".wrangler", "state");

export function targetArgs(t: Target): string[] {
  return t.local ? ["--local", "--persist-to", t.persistTo] : ["--remote", "--env", t.env];
}

export type Domain = { domain: string; config: string; database: string };

/** The domain's database name in that target (an environment's section names its own database). */
export function domain(name: string, t: Target): Domain {
  const d = domainsWithDatabase().find((x) => x.domain === name);
  if (!d) throw new Error(`unknown domain "${name}" (with a database: ${domainsWithDatabase().map((x) => x.domain).join(", ")})`);
  return t.local ? d : { ...d, database: readSection(name, t.env).d1_databases![0].database_name };
}

export async function exportDatabase(d: Domain, t: Target, output: string): Promise<void> {
  mkdirSync(dirname(output), { recursive: true });
  if (!t.local) {
    await wrangler(["d1", "export", d.database, "--remote", "--env", t.env, "-c", d.config, "--output", resolve(output), "--skip-confirmation"]);
    return;
  }
  // `d1 export --local` has no --persist-to: it reads <config dir>/.wrangler/state. A throwaway
  // config beside a link to the persisted state points it at the right place (same database id).
  const db = readSection(d.domain).d1_databases![0];
  const dir = mkdtempSync(join(tmpdir(), "d1-export-"));
  try {
    mkdirSync(join(dir, ".wrangler"));
    symlinkSync(resolve(t.persistTo), join(dir, ".wrangler", "state"), "dir");
    writeFileSync(join(dir, "wrangler.toml"), `name = "d1-export"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = ${JSON.stringify(db.database_name)}\ndatabase_id = ${JSON.stringify(db.database_id)}\n`);
    await wrangler(["d1", "export", d.database, "--local", "-c", join(dir, "wrangler.toml"), "--output", resolve(output)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function query<T>(d: Domain, t: Target, sql: string): Promise<T[]> {
  const { stdout } = await wrangler(["d1", "execute", d.database, ...targetArgs(t), "-c", d.config, "--json", "--command", sql]);
  const parsed = JSON.parse(stdout) as Array<{ results: T[] }>;
  return parsed.flatMap((r) => r.results);
}

/** Every user table, view and trigger of one database (D1's internal `_cf_*` tables excluded). */
export async function schemaObjects(d: Domain, t: Target): Promise<Array<{ type: string; name: string }>> {
  return query(d, t, "SELECT type, name FROM sqlite_master WHERE type IN ('table','view','trigger') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY type DESC");
}

export type RestoreTimings = { droppedObjects: number; dropMs: number; importMs: number };

/**
 * Replaces one database's contents with a `wrangler d1 export` file: drops its tables, views and
 * triggers (foreign keys deferred, so the order does not matter), then executes the file, which
 * re-creates the schema (d1_migrations included) and the rows.
 */
export async function restoreDatabase(d: Domain, t: Target, file: string): Promise<RestoreTimings> {
  const started = Date.now();
  const objects = await schemaObjects(d, t);
  if (objects.length) {
    const drops = objects.map((o) => `DROP ${o.type.toUpperCase()} IF EXISTS "${o.name.replace(/"/g, '""')}";`);
    await wrangler(["d1", "execute", d.database, ...targetArgs(t), "-c", d.config, "--command", `PRAGMA defer_foreign_keys = on; ${drops.join(" ")}`]);
  }
  const dropped = Date.now();
  await wrangler(["d1", "execute", d.database, ...targetArgs(t), "-c", d.config, "--file", file, ...(t.local ? [] : ["--yes"])]);
  return { droppedObjects: objects.length, dropMs: dropped - started, importMs: Date.now() - dropped };
}

export async function count(d: Domain, t: Target, table: string): Promise<number> {
  const [row] = await query<{ n: number }>(d, t, `SELECT COUNT(*) AS n FROM "${table}"`);
  return row.n;
}

/** Rows per user table (two wrangler runs; D1 caps compound SELECTs, so one statement per table). */
export async function tableCounts(d: Domain, t: Target): Promise<Record<string, number>> {
  const tables = (await schemaObjects(d, t)).filter((o) => o.type === "table").map((o) => o.name);
  if (!tables.length) return {};
  const rows = await query<{ t: string; n: number }>(d, t, tables.map((name) => `SELECT '${name}' AS t, COUNT(*) AS n FROM "${name}";`).join(" "));
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

export { query as d1Query };

/** A folder-safe UTC timestamp, e.g. 2026-11-28T05-21-32Z. */
export function backupStamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
}
