import { defineProject } from "vitest/config";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = dirname(fileURLToPath(import.meta.url));

// Node-side checks of the dashboard: its build (bundle budget, _headers), offline ticket
// verification, formatting. The browser tests are the "browser" project (test/browser/).
export default defineProject({
  root: DIR,
  define: { "import.meta.env.VITE_API_ORIGIN": JSON.stringify("https://api.example.test") },
  test: {
    name: "dashboard",
    root: DIR,
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/build-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
