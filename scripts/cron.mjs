// Local Cron Triggers: `wrangler dev` does not fire them, so `npm run dev` ticks every minute
// and runs each worker's due crons through the dev-only dev-cron worker (/__dev/cron).
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

function fieldMatches(field, value) {
  return field.split(",").some((part) => {
    const [range, step] = part.split("/");
    const every = step ? Number(step) : 1;
    if (range === "*") return value % every === 0;
    const [lo, hi] = range.split("-").map(Number);
    const top = hi ?? (step ? Infinity : lo);
    return value >= lo && value <= top && (value - lo) % every === 0;
  });
}

/** Whether a 5-field cron expression (UTC, as Cloudflare runs them) is due at `date`'s minute. */
export function cronDue(expr, date) {
  const [min, hour, dom, month, dow] = expr.trim().split(/\s+/);
  return (
    fieldMatches(min, date.getUTCMinutes()) &&
    fieldMatches(hour, date.getUTCHours()) &&
    fieldMatches(dom, date.getUTCDate()) &&
    fieldMatches(month, date.getUTCMonth() + 1) &&
    fieldMatches(dow, date.getUTCDay())
  );
}

/** Each worker's `[triggers] crons` from its wrangler.toml. */
export function workerCrons(root, workers) {
  const out = [];
  for (const worker of workers) {
    const file = join(root, "workers", worker, "wrangler.toml");
    if (!existsSync(file)) continue;
    const match = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(readFileSync(file, "utf8"));
    if (!match) continue;
    for (const m of match[1].matchAll(/"([^"]+)"/g)) out.push({ worker, cron: m[1] });
  }
  return out;
}

/**
 * Fires due crons at the start of every minute until stopped, and once right away (a platform
 * that just (re)started sweeps its outboxes at once instead of up to a minute later). Tests and
 * scripts/faults.mjs may tick faster with `everyMs`; each tick runs the crons due that minute.
 */
export function startCronTicker(baseUrl, crons, opts = {}) {
  const { log = console.log, everyMs } = typeof opts === "function" ? { log: opts } : opts;
  let timer;
  let stopped = false;
  const tick = async () => {
    const now = new Date();
    for (const { worker, cron } of crons.filter((c) => cronDue(c.cron, now))) {
      if (stopped) return;
      try {
        const res = await fetch(`${baseUrl}/__dev/cron`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ worker, cron }) });
        if (!res.ok) log(`cron ${worker} "${cron}": ${res.status} ${await res.text()}`);
      } catch (err) {
        log(`cron ${worker} "${cron}": ${err.message}`);
      }
    }
    schedule();
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(tick, everyMs ?? 60_000 - (Date.now() % 60_000) + 50);
  };
  timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
