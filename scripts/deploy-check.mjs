// `npm run deploy:check -- [--env production|staging]`: bundles every deployable worker with
// `wrangler deploy --dry-run` (no Cloudflare account), prints each gzipped size against the
// 3 MB limit and every binding the code reads that the environment's config does not declare.
import { deployCheck, formatReport } from "./ops/deploy-check.ts";
import { ENVIRONMENTS, environmentArg, parseArgs } from "./ops/workers.ts";

const args = parseArgs(process.argv.slice(2));
const envs = args.env ? [environmentArg(args.env)] : ENVIRONMENTS;
let failed = false;
for (const env of envs) {
  const report = await deployCheck(env, { parallel: Number(args.parallel ?? 2) });
  console.log(formatReport(report));
  failed ||= report.problems.length > 0;
}
process.exit(failed ? 1 : 0);
