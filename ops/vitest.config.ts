import { defineProject } from "vitest/config";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// Operations scripts (deploy check, deploy plan, backup/restore) run in Node against wrangler,
// offline: no Cloudflare account, no booted stack.
export default defineProject({
  test: {
    name: "ops",
    root: ROOT,
    include: ["ops/**/*.test.ts"],
    environment: "node",
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
