// Boots the whole platform in one `wrangler dev` process: used by `npm run dev`, the
// end-to-end tests and the benchmarks, so all three run exactly the same stack.
import { spawn, execFile } from "node:child_process";
import { existsSync, copyFileSync, readFileSync, readdirSync, mkdirSync, writeFileSync, rmSync, appendFileSync, createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const NODE = process.execPath;

/** The gateway first (only the first config listens on the port), then every domain worker. */
export const WORKERS = ["auth", "events", "orders", "payments", "tickets", "refunds", "notifications", "reports", "support", "vnpay-sandbox", "dev-cron", "dev-metrics"];
export const CONFIGS = ["wrangler.toml", ...WORKERS.map((w) => `workers/${w}/wrangler.toml`)].filter((c) => existsSync(join(ROOT, c)));

/**
 * Local secrets: copy each `.dev.vars.example` to `.dev.vars` where none exists yet, and add
 * to an existing `.dev.vars` any key the example gained since (values already set are kept).
 */
export function ensureDevVars() {
  const keyOf = (line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
  for (const dir of [".", ...WORKERS.map((w) => `workers/${w}`)]) {
    const example = join(ROOT, dir, ".dev.vars.example");
    const target = join(ROOT, dir, ".dev.vars");
    if (!existsSync(example)) continue;
    if (!existsSync(target)) {
      copyFileSync(example, target);
      continue;
    }
    const have = new Set(readFileSync(target, "utf8").split("\n").map(keyOf).filter(Boolean));
    const missing = readFileSync(example, "utf8").split("\n").filter((l) => keyOf(l) && !have.has(keyOf(l)));
    if (missing.length) appendFileSync(target, `\n${missing.join("\n")}\n`);
  }
}

/** The top level's D1 databases (the [env.*] sections below it name the deployed ones). */
function d1Databases(config) {
  const text = readFileSync(join(ROOT, config), "utf8").split(/^\[\[?env\./m)[0];
  return [...text.matchAll(/database_name\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
}

async function pool(items, size, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: size }, async () => { while (queue.length) await fn(queue.shift()); }));
}

/** Applies every worker's D1 migrations to the local state directory (idempotent). */
export async function applyMigrations(persistTo, log = () => {}) {
  const jobs = CONFIGS.flatMap((config) => d1Databases(config).map((db) => ({ config, db })));
  await pool(jobs, 3, async ({ config, db }) => {
    // Parallel applies can briefly contend for the local state ("database is locked"): retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await run(NODE, [WRANGLER, "d1", "migrations", "apply", db, "--local", "--persist-to", persistTo, "-c", config], {
          cwd: ROOT,
          env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
        });
        break;
      } catch (err) {
        if (attempt >= 4) throw err;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    log(`migrated ${db}`);
  });
}

/** Runs each seed module's SQL (scripts/seed/*.mjs exporting `sql()` → {db, config, sql}) before boot. */
export async function seedDatabases(persistTo) {
  const dir = join(ROOT, "scripts", "seed");
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".mjs")).sort()) {
    const mod = await import(join(dir, file));
    if (!mod.sql) continue;
    const { db, config, sql } = await mod.sql();
    await run(NODE, [WRANGLER, "d1", "execute", db, "--local", "--persist-to", persistTo, "-c", config, "--command", sql], {
      cwd: ROOT,
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
      maxBuffer: 1 << 24,
    });
  }
}

/** Seed steps that go through the public API once the stack is up (scripts/seed/*.mjs `http(baseUrl)`). */
export async function seedOverHttp(baseUrl) {
  const dir = join(ROOT, "scripts", "seed");
  if (!existsSync(dir)) return [];
  const notes = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".mjs")).sort()) {
    const mod = await import(join(dir, file));
    if (mod.http) notes.push(...((await mod.http(baseUrl)) ?? []));
  }
  return notes;
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
    srv.on("error", rej);
  });
}

async function waitHealthy(baseUrl, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`stack not healthy after ${timeoutMs} ms: ${last}`);
}

/**
 * `wrangler dev --var` reaches only the first worker, so per-run overrides (a short
 * HOLD_TTL_SECONDS for tests) go into a throwaway copy of each config beside the original
 * (relative paths keep working), with the values set in its [vars] table.
 */
function configsWithVars(vars, tag) {
  if (!Object.keys(vars).length) return { configs: CONFIGS, cleanup: () => {} };
  const made = [];
  const configs = CONFIGS.map((config) => {
    const text = readFileSync(join(ROOT, config), "utf8");
    const lines = Object.entries(vars).map(([k, v]) => `${k} = ${JSON.stringify(String(v))}`);
    let out;
    if (/^\[vars\]\s*$/m.test(text)) {
      const names = new Set(Object.keys(vars));
      const kept = text.split("\n").filter((l) => !names.has(l.split("=")[0].trim()));
      out = kept.join("\n").replace(/^\[vars\]\s*$/m, `[vars]\n${lines.join("\n")}`);
    } else {
      out = `${text}\n[vars]\n${lines.join("\n")}\n`;
    }
    const copy = config.replace(/wrangler\.toml$/, `.wrangler.${tag}.toml`);
    writeFileSync(join(ROOT, copy), out);
    made.push(join(ROOT, copy));
    return copy;
  });
  return { configs, cleanup: () => made.forEach((f) => rmSync(f, { force: true })) };
}

/**
 * Starts the stack. `vars` go to every worker (e.g. HOLD_TTL_SECONDS for tests). Resolves
 * once /api/health is 200; `stop()` ends the process group, `kill(signal)` signals it at once.
 * With `quiet` and a `logFile`, the workers' own log lines (and wrangler's) go to that file instead of being dropped.
 */
export async function startStack({ port = 8787, persistTo = join(ROOT, ".wrangler", "state"), vars = {}, quiet = false, logFile = null, log = console.log } = {}) {
  ensureDevVars();
  mkdirSync(persistTo, { recursive: true });
  await applyMigrations(persistTo, quiet ? () => {} : log);
  await seedDatabases(persistTo);
  const { configs, cleanup } = configsWithVars(vars, `p${port}`);
  const args = [WRANGLER, "dev", ...configs.flatMap((c) => ["-c", c]), "--port", String(port), "--ip", "127.0.0.1",
    "--persist-to", persistTo, "--show-interactive-dev-session=false", "--log-level", quiet && !logFile ? "error" : quiet ? "log" : "info",
    // STACK_INSPECTOR_PORT: the runtime's devtools protocol for a CPU profile (bench/profile.mjs).
    ...(process.env.STACK_INSPECTOR_PORT ? ["--inspector-port", process.env.STACK_INSPECTOR_PORT] : [])];
  const child = spawn(NODE, args, {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" },
    stdio: quiet ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    detached: true,
  });
  let output = "";
  if (quiet) {
    const file = logFile ? createWriteStream(logFile, { flags: "a" }) : null;
    child.stdout.on("data", (d) => { output = (output + d).slice(-20000); file?.write(d); });
    child.stderr.on("data", (d) => { output = (output + d).slice(-20000); file?.write(d); });
    child.once("exit", () => file?.end());
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    cleanup();
    if (child.exitCode !== null) return;
    try { process.kill(-child.pid, "SIGTERM"); } catch {}
    await new Promise((r) => { const t = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} r(); }, 5000); child.once("exit", () => { clearTimeout(t); r(); }); });
  };
  // Crash simulation (scripts/faults.mjs): signal the whole process group, workerd included,
  // and wait until wrangler is gone; nothing gets a chance to flush.
  const kill = async (signal = "SIGKILL") => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      try { process.kill(-child.pid, signal); } catch {}
      await exited;
    }
    cleanup();
  };
  try {
    await waitHealthy(baseUrl, child, 120_000);
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n--- wrangler output ---\n${output}`);
  }
  const notes = await seedOverHttp(baseUrl);
  return { baseUrl, port, persistTo, stop, kill, notes, output: () => output };
}
