import { defineProject } from "vitest/config";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Checks of the repository itself (generated docs), in Node: no stack, no workerd.
export default defineProject({
  test: { name: "docs", root: resolve(dirname(fileURLToPath(import.meta.url)), ".."), include: ["scripts/**/*.test.ts"], environment: "node" },
});
