import { defineConfig } from "vitest/config";

// Each worker's tests run in workerd (workers/*/vitest.config.ts); e2e/ boots the real stack.
export default defineConfig({
  test: {
    projects: ["workers/*/vitest.config.ts", "e2e/vitest.config.ts", "scripts/vitest.config.ts"],
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
