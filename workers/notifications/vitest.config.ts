import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

const stub = fileURLToPath(new URL("./test/stubs/others.mjs", import.meta.url));

export default workerProject("notifications", {
  workers: ["auth", "events", "orders", "tickets"].map((name) => ({ name, modules: true, scriptPath: stub, compatibilityDate: "2026-04-01" })),
});
