import { defineConfig } from "vitest/config";

// Each worker's tests run in workerd (workers/*/vitest.config.ts); e2e/ boots the real stack;
// dashboard/ checks its build in node and drives it in Chromium (dashboard/test/browser).
export default defineConfig({
  test: {
    projects: ["workers/*/vitest.config.ts", "e2e/vitest.config.ts", "scripts/vitest.config.ts", "dashboard/vitest.config.ts", "dashboard/test/browser/vitest.config.ts", "ops/vitest.config.ts"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
