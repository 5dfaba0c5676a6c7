// `npm run restore -- <domain> <file.sql> [--local [--persist-to dir] | --remote --env staging|production --yes]`
// Replaces ONE domain's D1 database with a `wrangler d1 export` file (from npm run backup): its
// tables are dropped and re-created from the file; every other domain is left as it is. Stop the
// stack (or the writers) first. For production prefer D1 Time Travel (docs/runbooks/restore.md).
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_PERSIST_TO, domain, restoreDatabase, tableCounts } from "./ops/d1-backup.ts";
import { environmentArg, parseArgs } from "./ops/workers.ts";

const args = parseArgs(process.argv.slice(2), ["remote", "local", "yes"]);
const [name, file] = args._;
const fail = (msg) => { console.error(`restore: ${msg}`); process.exit(2); };
if (!name || !file) fail("usage: npm run restore -- <domain> <file.sql> [--local | --remote --env <env> --yes]");
if (!existsSync(file)) fail(`no file ${file}`);
if (args.local && args.remote) fail("either --local or --remote");
let target, d;
try {
  target = args.remote ? { local: false, env: environmentArg(args.env) } : { local: true, persistTo: typeof args["persist-to"] === "string" ? args["persist-to"] : DEFAULT_PERSIST_TO };
  d = domain(name, target);
} catch (err) {
  fail(err.message);
}
if (!target.local && !args.yes) fail(`this replaces the ${target.env} database ${d.database}; add --yes to go ahead (or use D1 Time Travel: docs/runbooks/restore.md)`);

console.log(`Restoring ${name} (${d.database}, ${target.local ? `local ${target.persistTo}` : `remote ${target.env}`}) from ${resolve(file)}`);
const started = Date.now();
const t = await restoreDatabase(d, target, resolve(file));
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const counts = Object.entries(await tableCounts(d, target)).filter(([name]) => !["d1_migrations", "outbox", "processed_events", "dead_letters"].includes(name));
console.log(`Done in ${seconds} s (dropped ${t.droppedObjects} objects in ${(t.dropMs / 1000).toFixed(1)} s, imported in ${(t.importMs / 1000).toFixed(1)} s).\nRows: ${counts.map(([name, n]) => `${name} ${n}`).join(", ") || "none"}`);
