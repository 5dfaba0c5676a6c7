// What `npm run provision -- --env <env>` creates, and how it writes D1 ids into the configs.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ORIGINS, UNPROVISIONED_ID } from "./deploy-plan.ts";
import { ROOT, resources, type Environment } from "./workers.ts";

/** The R2 bucket `npm run backup -- --remote` uploads D1 exports to (bound by no worker). */
export function backupBucket(env: Environment): string {
  return env === "production" ? "tickets-backups" : "tickets-backups-staging";
}

export type Resource =
  | { kind: "d1"; name: string; config: string }
  | { kind: "queue"; name: string }
  | { kind: "r2"; name: string }
  | { kind: "pages"; name: string };

export function provisionPlan(env: Environment): Resource[] {
  const r = resources(env);
  return [
    ...[...r.d1].map(([name, { worker }]): Resource => ({ kind: "d1", name, config: worker === "gateway" ? "wrangler.toml" : `workers/${worker}/wrangler.toml` })),
    ...r.queues.map((name): Resource => ({ kind: "queue", name })),
    ...[...r.buckets, backupBucket(env)].map((name): Resource => ({ kind: "r2", name })),
    { kind: "pages", name: ORIGINS[env].pagesProject },
  ];
}

export function createArgs(res: Resource): string[] {
  switch (res.kind) {
    case "d1": return ["d1", "create", res.name];
    case "queue": return ["queues", "create", res.name];
    case "r2": return ["r2", "bucket", "create", res.name];
    case "pages": return ["pages", "project", "create", res.name, "--production-branch", "main"];
  }
}

/**
 * Sets `database_id` of the `[[env.<env>.d1_databases]]` entry named `database` in a config's
 * text (other environments, the top level and comments are left as they are). Returns the new text.
 */
export function withDatabaseId(text: string, env: Environment, database: string, id: string): string {
  const lines = text.split("\n");
  const header = `[[env.${env}.d1_databases]]`;
  const isKey = (line: string, key: string) => new RegExp(`^\\s*${key}\\s*=`).test(line);
  const valueOf = (line: string) => line.replace(/^[^=]*=\s*/, "").replace(/\s*#.*$/, "");
  // Table headers split the file into blocks; only the target environment's D1 blocks are edited.
  const starts = lines.flatMap((l, i) => (l.trim().startsWith("[") ? [i] : []));
  let done = false;
  starts.forEach((start, n) => {
    if (lines[start].trim() !== header) return;
    const end = starts[n + 1] ?? lines.length;
    const block = lines.slice(start + 1, end);
    if (!block.some((l) => isKey(l, "database_name") && valueOf(l) === JSON.stringify(database))) return;
    const idLine = block.findIndex((l) => isKey(l, "database_id"));
    if (idLine < 0) return;
    lines[start + 1 + idLine] = lines[start + 1 + idLine].replace(/=.*$/, `= ${JSON.stringify(id)}`);
    done = true;
  });
  if (!done) throw new Error(`no [[env.${env}.d1_databases]] entry with database_name = "${database}" and a database_id line`);
  return lines.join("\n");
}

export function writeDatabaseId(config: string, env: Environment, database: string, id: string): void {
  const path = join(ROOT, config);
  writeFileSync(path, withDatabaseId(readFileSync(path, "utf8"), env, database, id));
}

/** The id in `wrangler d1 create` / `d1 info --json` output (TOML, JSON or the table). */
export function parseDatabaseId(output: string): string | null {
  return /"?(?:database_id|uuid)"?\s*[:=]\s*"([0-9a-f-]{36})"/i.exec(output)?.[1] ?? /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(output)?.[1] ?? null;
}

export const isUnprovisioned = (id: string | undefined) => !id || id === UNPROVISIONED_ID;
