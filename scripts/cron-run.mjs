#!/usr/bin/env node
// `npm run cron -- <worker> [cron]`: runs a worker's scheduled job now on the local stack that
// `npm run dev` started (through its dev-only POST /__dev/cron), instead of waiting for the minute
// it is due. Without [cron], runs each cron the worker declares in its wrangler.toml.
// The stack is at http://localhost:8787 unless $API says otherwise.
import { pathToFileURL } from "node:url";
import { workerCrons } from "./cron.mjs";
import { ROOT, WORKERS } from "./stack.mjs";

const USAGE = "usage: npm run cron -- <worker> [cron]";

/** Exit codes: 0 every job ran, 1 a job failed or the stack is unreachable, 2 bad arguments. */
export async function main(args, { baseUrl = process.env.API || "http://localhost:8787", out = console.log, err = console.error } = {}) {
  const all = workerCrons(ROOT, WORKERS);
  const listing = () => all.map((c) => `  ${c.worker.padEnd(14)} "${c.cron}"`).join("\n");
  const [worker, cron] = args;
  if (!worker) {
    err(`${USAGE}\n\nCrons on this stack:\n${listing()}`);
    return 2;
  }
  const mine = all.filter((c) => c.worker === worker);
  if (mine.length === 0) {
    err(`No worker "${worker}" with crons. Crons on this stack:\n${listing()}`);
    return 2;
  }
  if (cron && !mine.some((c) => c.cron === cron)) {
    err(`${worker} has no cron "${cron}". Its crons:\n${mine.map((c) => `  "${c.cron}"`).join("\n")}`);
    return 2;
  }

  const url = `${baseUrl.replace(/\/+$/, "")}/__dev/cron`;
  let failed = 0;
  for (const job of cron ? mine.filter((c) => c.cron === cron) : mine) {
    const started = Date.now();
    let res;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(job),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (e) {
      err(`Cannot reach the local stack at ${baseUrl} (${e.cause?.code ?? e.cause?.message ?? e.message}). Start it with \`npm run dev\`, or set API to where it runs.`);
      return 1;
    }
    const text = await res.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    if (res.status === 404) {
      err(`${baseUrl} does not serve /__dev/cron: is it the stack \`npm run dev\` starts? (${res.status} ${text.slice(0, 200)})`);
      return 1;
    }
    const took = `${Date.now() - started} ms`;
    if (!res.ok || body?.outcome !== "ok") {
      err(`${job.worker} "${job.cron}": ${res.ok ? `outcome ${body?.outcome ?? "unknown"}` : `${res.status} ${text.slice(0, 300)}`} (${took}); see the stack's log`);
      failed++;
      continue;
    }
    out(`${job.worker} "${job.cron}": ok (${took})`);
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
