// `npm run deploy -- --env staging|production [--dry-run] [--gradual 10] [--only orders,gateway] [--no-dashboard]`
// Deploys every worker after the workers it binds, each after its D1 migrations, then the
// dashboard to Pages. Account resources come first from `npm run provision -- --env <env>`;
// secrets from `wrangler secret put` (docs/operations.md lists them). --dry-run only prints the plan.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RefusedError, deployPlan, describeStep, unprovisioned } from "./ops/deploy-plan.ts";
import { ROOT, environmentArg, parseArgs, wrangler } from "./ops/workers.ts";

const args = parseArgs(process.argv.slice(2), ["dry-run", "no-dashboard"]);
let env, steps;
try {
  env = environmentArg(args.env);
  steps = deployPlan(env, {
    only: typeof args.only === "string" ? args.only.split(",").map((s) => s.trim()).filter(Boolean) : undefined,
    gradual: args.gradual === undefined ? undefined : Number(args.gradual),
    dashboard: args["no-dashboard"] ? false : undefined,
  });
} catch (err) {
  console.error(`deploy refused: ${err.message}`);
  process.exit(err instanceof RefusedError || /--env/.test(err.message) ? 2 : 1);
}

const missingIds = unprovisioned(env);
console.log(`Deploy plan for ${env} (${steps.length} steps):`);
steps.forEach((s, i) => console.log(`  ${String(i + 1).padStart(2)}. ${s.title}\n      ${describeStep(s).replace("<env>", env)}`));
if (missingIds.length) console.log(`\n  ! D1 ids not provisioned yet (run npm run provision -- --env ${env}):\n    ${missingIds.join("\n    ")}`);
if (args["dry-run"]) {
  console.log("\n--dry-run: nothing was sent to Cloudflare.");
  process.exit(0);
}
if (missingIds.length) process.exit(1);

/** Runs wrangler with --env and returns its machine-readable output entries (WRANGLER_OUTPUT_FILE_PATH). */
async function wranglerWithOutput(cmdArgs) {
  const dir = mkdtempSync(join(tmpdir(), "deploy-"));
  const file = join(dir, "out.ndjson");
  try {
    const result = await wrangler(cmdArgs, { env: { WRANGLER_OUTPUT_FILE_PATH: file } });
    let entries = [];
    try { entries = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)); } catch {}
    return { ...result, entries };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(step) {
  switch (step.kind) {
    case "wrangler":
      return void (await wrangler(step.args));
    case "npm": {
      const r = spawnSync("npm", step.args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...step.env } });
      if (r.status !== 0) throw new Error(`npm ${step.args.join(" ")} exited ${r.status}`);
      return;
    }
    case "check-secrets": {
      let listed;
      try {
        listed = JSON.parse((await wrangler(["secret", "list", "--format", "json", "--env", env, "-c", step.config])).stdout).map((s) => s.name);
      } catch {
        listed = [];
      }
      const missing = step.names.filter((n) => !listed.includes(n));
      if (missing.length) throw new Error(`${step.worker} lacks secrets ${missing.join(", ")}: wrangler secret put NAME -c ${step.config} --env ${env} (docs/operations.md)`);
      return;
    }
    case "gradual": {
      const status = await wrangler(["deployments", "status", "--json", "--env", env, "-c", step.config]).catch(() => null);
      const current = status ? JSON.parse(status.stdout).versions?.find((v) => v.percentage > 0)?.version_id : undefined;
      const upload = await wranglerWithOutput(["versions", "upload", "--env", env, "-c", step.config, "--message", `npm run deploy --gradual ${step.percent}`]);
      const version = upload.entries.find((e) => e.type === "version-upload")?.version_id ?? /Worker Version ID:\s*(\S+)/.exec(upload.stdout)?.[1];
      if (!version) throw new Error(`no version id in the output of wrangler versions upload for ${step.worker}`);
      // A first deploy has no current version: the new one takes all traffic.
      const specs = current ? [`${version}@${step.percent}%`, current] : [`${version}@100%`];
      await wrangler(["versions", "deploy", ...specs, "--yes", "--env", env, "-c", step.config, "--message", `gradual ${step.percent} %`]);
      console.log(`      ${step.worker}: version ${version} at ${current ? step.percent : 100} %${current ? `, ${current} keeps the rest` : ""}.` +
        ` Promote: npx wrangler versions deploy ${version}@100% --yes --env ${env} -c ${step.config}`);
      return;
    }
  }
}

for (const [i, step] of steps.entries()) {
  process.stdout.write(`[${i + 1}/${steps.length}] ${step.title} … `);
  const started = Date.now();
  try {
    await run(step);
  } catch (err) {
    console.log("FAILED");
    console.error(err.message);
    console.error(`\nStopped at step ${i + 1}; the workers before it are deployed. Fix and re-run (every step is idempotent).`);
    process.exit(1);
  }
  console.log(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
console.log(`\nDeployed ${env}.`);
