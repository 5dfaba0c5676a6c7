// `npm run provision -- --env staging|production [--dry-run]`: creates the account resources an
// environment needs the first time (D1 databases, queues and their dead-letter queues, R2
// buckets, the Pages project) and writes each new D1 id into that environment's config section.
// Safe to re-run: what exists is kept. Rate-limit namespaces need no creation (their
// namespace_id is chosen in wrangler.toml; staging uses 2001-2004, production 1001-1004).
import { createArgs, isUnprovisioned, parseDatabaseId, provisionPlan, writeDatabaseId } from "./ops/provision.ts";
import { DEPLOYABLE, environmentArg, parseArgs, readSection, wrangler } from "./ops/workers.ts";

const args = parseArgs(process.argv.slice(2), ["dry-run"]);
let env;
try {
  env = environmentArg(args.env);
} catch (err) {
  console.error(`provision: ${err.message}`);
  process.exit(2);
}

const currentIds = new Map(DEPLOYABLE.flatMap((w) => (readSection(w, env).d1_databases ?? []).map((d) => [d.database_name, d.database_id])));
const plan = provisionPlan(env);
console.log(`Resources for ${env}:`);
for (const res of plan) {
  const note = res.kind === "d1" && !isUnprovisioned(currentIds.get(res.name)) ? `  (id ${currentIds.get(res.name)} already in ${res.config})` : "";
  console.log(`  ${res.kind.padEnd(5)} ${res.name.padEnd(32)} wrangler ${createArgs(res).join(" ")}${note}`);
}
if (args["dry-run"]) {
  console.log("\n--dry-run: nothing was sent to Cloudflare.");
  process.exit(0);
}

const exists = (err) => /already exists|already taken|already in use|name is taken|code: 10013|code: 11009/i.test(`${err.stdout ?? ""}${err.stderr ?? ""}${err.message}`);
let failures = 0;
for (const res of plan) {
  if (res.kind === "d1" && !isUnprovisioned(currentIds.get(res.name))) { console.log(`  = d1 ${res.name}`); continue; }
  try {
    const { stdout } = await wrangler(createArgs(res));
    if (res.kind === "d1") {
      const id = parseDatabaseId(stdout);
      if (!id) throw new Error(`no database id in:\n${stdout}`);
      writeDatabaseId(res.config, env, res.name, id);
      console.log(`  + d1 ${res.name} → ${id} (written to ${res.config} [env.${env}])`);
    } else {
      console.log(`  + ${res.kind} ${res.name}`);
    }
  } catch (err) {
    if (!exists(err)) { failures++; console.error(`  ✗ ${res.kind} ${res.name}: ${err.message}`); continue; }
    if (res.kind === "d1") {
      const id = parseDatabaseId((await wrangler(["d1", "info", res.name, "--json"])).stdout);
      if (!id) { failures++; console.error(`  ✗ d1 ${res.name} exists but its id could not be read`); continue; }
      writeDatabaseId(res.config, env, res.name, id);
      console.log(`  = d1 ${res.name} existed → ${id} (written to ${res.config} [env.${env}])`);
    } else {
      console.log(`  = ${res.kind} ${res.name} existed`);
    }
  }
}
if (failures) process.exit(1);
console.log(`\nProvisioned ${env}. Next: put the secrets (docs/operations.md), then npm run deploy -- --env ${env}; commit the D1 ids written to the configs.`);
