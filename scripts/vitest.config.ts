import { defineProject } from "vitest/config";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// Checks of the repository itself (configs against code, generated docs), in node, without booting anything.
export default defineProject({
  test: { name: "repo", root: ROOT, include: ["scripts/**/*.test.ts"], environment: "node", testTimeout: 30_000 },
});
