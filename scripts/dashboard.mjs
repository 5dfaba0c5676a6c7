// Builds the dashboard for a given API origin and serves dist/ with `wrangler pages dev` (the
// real Pages runtime: `_headers`, single-page-app fallback). Used by `npm run dev` and the
// browser tests.
import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./stack.mjs";

const run = promisify(execFile);
export const DASHBOARD_DIR = join(ROOT, "dashboard");
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const VITE = join(ROOT, "node_modules", "vite", "bin", "vite.js");

/** Debian's Chromium (`.ci/run` installs it) and the flags the browser tests and the bench run it with. */
export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

/** `vite build` with VITE_API_ORIGIN baked in (also into the CSP's connect-src); prints sizes. */
export async function buildDashboard({ apiOrigin, outDir = join(DASHBOARD_DIR, "dist"), quiet = false } = {}) {
  const env = { ...process.env, VITE_API_ORIGIN: apiOrigin, NODE_ENV: "production" };
  const { stdout } = await run(process.execPath, [VITE, "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"], { cwd: DASHBOARD_DIR, env, maxBuffer: 1 << 24 });
  const sizes = await run(process.execPath, [join(DASHBOARD_DIR, "scripts", "sizes.mjs")], { cwd: DASHBOARD_DIR, env: { ...env, DASHBOARD_DIST: outDir } }).catch((err) => err);
  if (!quiet) process.stdout.write(stdout + (sizes.stdout ?? ""));
  return { outDir, sizes: sizes.stdout ?? "" };
}

/** Serves a built dist/ at http://127.0.0.1:<port> until `stop()`. */
export async function serveDashboard({ port, dist = join(DASHBOARD_DIR, "dist"), ip = "127.0.0.1", quiet = true }) {
  const child = spawn(
    process.execPath,
    [WRANGLER, "pages", "dev", dist, "--port", String(port), "--ip", ip, "--log-level", quiet ? "error" : "info", "--show-interactive-dev-session=false"],
    { cwd: DASHBOARD_DIR, env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout.on("data", (d) => { output = (output + d).slice(-10000); if (!quiet) process.stdout.write(d); });
  child.stderr.on("data", (d) => { output = (output + d).slice(-10000); if (!quiet) process.stderr.write(d); });
  const url = `http://${ip === "127.0.0.1" ? "localhost" : ip}:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    try { process.kill(-child.pid, "SIGTERM"); } catch {}
    await new Promise((r) => { const t = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} r(); }, 5000); child.once("exit", () => { clearTimeout(t); r(); }); });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler pages dev exited with ${child.exitCode}\n${output}`);
    try {
      if ((await fetch(`http://${ip}:${port}/`)).ok) break;
    } catch {}
    if (Date.now() > deadline) { await stop(); throw new Error(`dashboard not served after 60 s\n${output}`); }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, stop };
}
