import { defineProject } from "vitest/config";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// Checks of the repository itself (configs against code, generated docs) and unit tests of
// packages/common pieces that need no platform API, in node, without booting anything.
export default defineProject({
  test: { name: "repo", root: ROOT, include: ["scripts/**/*.test.ts", "packages/common/test/**/*.test.ts"], environment: "node", testTimeout: 30_000 },
});
