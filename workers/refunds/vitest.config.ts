import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

// The payments binding needs a worker on the other end for workerd to start: a stand-in here.
export default workerProject("refunds", {
  workers: [
    {
      name: "payments",
      modules: true,
      scriptPath: fileURLToPath(new URL("./test/fakes/payments.mjs", import.meta.url)),
      compatibilityDate: "2026-04-01",
    },
  ],
});
