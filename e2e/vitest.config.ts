import { defineProject } from "vitest/config";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// Drives the real multi-worker stack (booted once, like `npm run dev`, on a free port with a
// throwaway state directory) over HTTP.
export default defineProject({
  test: {
    name: "e2e",
    root: ROOT,
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
