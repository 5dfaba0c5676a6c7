// `npm run backup -- [--remote --env staging|production] [--only orders,events] [--persist-to dir]`
// Exports every domain's D1 database to backups/<UTC timestamp>/<domain>.sql: by default from the
// local state `npm run dev` persists (.wrangler/state); with --remote from that environment's
// databases, each file then also uploaded to the environment's backup bucket in R2.
import { join, relative } from "node:path";
import { DEFAULT_PERSIST_TO, backupStamp, domain, exportDatabase } from "./ops/d1-backup.ts";
import { backupBucket } from "./ops/provision.ts";
import { ROOT, domainsWithDatabase, environmentArg, parseArgs, wrangler } from "./ops/workers.ts";

const args = parseArgs(process.argv.slice(2), ["remote", "local"]);
let target;
try {
  target = args.remote ? { local: false, env: environmentArg(args.env) } : { local: true, persistTo: typeof args["persist-to"] === "string" ? args["persist-to"] : DEFAULT_PERSIST_TO };
} catch (err) {
  console.error(`backup: ${err.message} (--remote needs --env)`);
  process.exit(2);
}
const only = typeof args.only === "string" ? args.only.split(",") : null;
const dir = typeof args.out === "string" ? args.out : join(ROOT, "backups", backupStamp());
const domains = domainsWithDatabase().filter((d) => !only || only.includes(d.domain));
if (only && domains.length !== only.length) {
  console.error(`backup: unknown domain in --only (with a database: ${domainsWithDatabase().map((d) => d.domain).join(", ")})`);
  process.exit(2);
}

console.log(`Backing up ${domains.length} databases (${target.local ? `local state ${relative(ROOT, target.persistTo) || "."}` : `remote ${target.env}`}) to ${relative(ROOT, dir)}/`);
for (const { domain: name } of domains) {
  const d = domain(name, target);
  const file = join(dir, `${name}.sql`);
  const started = Date.now();
  await exportDatabase(d, target, file);
  let note = "";
  if (!target.local) {
    const key = `${backupBucket(target.env)}/${relative(join(ROOT, "backups"), file)}`;
    await wrangler(["r2", "object", "put", key, "--file", file, "--remote", "--content-type", "application/sql"]);
    note = ` → r2://${key}`;
  }
  console.log(`  ${name.padEnd(14)} ${d.database.padEnd(22)} ${relative(ROOT, file)}${note} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
console.log(`Restore one with: npm run restore -- <domain> ${relative(ROOT, dir)}/<domain>.sql ${target.local ? "--local" : `--remote --env ${target.env}`}`);
