import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

const stub = fileURLToPath(new URL("./test/stubs/others.mjs", import.meta.url));

// The events and orders workers support binds, as contract stand-ins (test/stubs/others.mjs).
export default workerProject("support", {
  workers: ["events", "orders"].map((name) => ({ name, modules: true, scriptPath: stub, compatibilityDate: "2026-04-01" })),
});
