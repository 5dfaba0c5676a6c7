import type { TestProject } from "vitest/node";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain ESM script shared with `npm run dev`
import { buildDashboard } from "../../scripts/dashboard.mjs";

export const TEST_API_ORIGIN = "https://api.example.test";

declare module "vitest" {
  export interface ProvidedContext {
    distDir: string;
    apiOrigin: string;
  }
}

/** One production build (into a temp dir) that the build-output tests read. */
export default async function setup(project: TestProject) {
  const outDir = mkdtempSync(join(tmpdir(), "dashboard-dist-"));
  const { sizes } = await buildDashboard({ apiOrigin: TEST_API_ORIGIN, outDir, quiet: true });
  process.stdout.write(`\n[dashboard] build sizes\n${sizes}`);
  project.provide("distDir", outDir);
  project.provide("apiOrigin", TEST_API_ORIGIN);
  return () => rmSync(outDir, { recursive: true, force: true });
}
