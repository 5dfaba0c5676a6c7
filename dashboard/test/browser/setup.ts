import type { TestProject } from "vitest/node";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain ESM script shared with `npm run dev`
import { startStack, freePort } from "../../../scripts/stack.mjs";
// @ts-expect-error plain ESM script shared with `npm run dev`
import { buildDashboard, serveDashboard } from "../../../scripts/dashboard.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    apiUrl: string;
    dashboardUrl: string;
  }
}

/**
 * The whole stack on a free port (throwaway state), with DASHBOARD_ORIGIN set to where the
 * dashboard is served (so CORS and VNPAY's return redirect point at it), the dashboard built
 * for that API origin, served by `wrangler pages dev`.
 */
export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), "tickets-browser-"));
  const outDir = mkdtempSync(join(tmpdir(), "dashboard-browser-dist-"));
  const apiPort: number = await freePort();
  let dashboardPort: number = await freePort();
  while (dashboardPort === apiPort) dashboardPort = await freePort();
  const dashboardOrigin = `http://localhost:${dashboardPort}`;
  const apiOrigin = `http://127.0.0.1:${apiPort}`;

  const stackStarting = startStack({ port: apiPort, persistTo, quiet: true, vars: { DASHBOARD_ORIGIN: dashboardOrigin } });
  const built = buildDashboard({ apiOrigin, outDir, quiet: true });
  const [stackResult, buildResult] = await Promise.allSettled([stackStarting, built]);
  const stack = stackResult.status === "fulfilled" ? stackResult.value : null;
  let dashboard: { url: string; stop: () => Promise<void> };
  try {
    if (!stack) throw (stackResult as PromiseRejectedResult).reason;
    if (buildResult.status === "rejected") throw buildResult.reason;
    dashboard = await serveDashboard({ port: dashboardPort, dist: outDir });
  } catch (err) {
    await stack?.stop();
    rmSync(persistTo, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
    throw err;
  }
  project.provide("apiUrl", stack.baseUrl);
  project.provide("dashboardUrl", dashboard.url);
  return async () => {
    await Promise.all([dashboard.stop(), stack.stop()]);
    rmSync(persistTo, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  };
}
