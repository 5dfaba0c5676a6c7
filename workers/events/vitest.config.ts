import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

// The AUTH_RPC service binding needs a worker on the other end for workerd to start.
export default workerProject("events", {
  workers: [
    {
      name: "auth",
      modules: true,
      scriptPath: fileURLToPath(new URL("./test/stubs/auth.mjs", import.meta.url)),
      compatibilityDate: "2026-04-01",
    },
  ],
});
