import { defineProject } from "vitest/config";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

// Drives the built dashboard in Debian's Chromium (playwright-core) against the booted stack.
export default defineProject({
  test: {
    name: "browser",
    root: DIR,
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/browser/setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
