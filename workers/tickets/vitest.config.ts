import { fileURLToPath } from "node:url";
import { workerProject } from "../../scripts/worker-project.ts";

export default workerProject("tickets", {
  workers: [
    {
      name: "events",
      modules: true,
      scriptPath: fileURLToPath(new URL("./test/stubs/events.mjs", import.meta.url)),
      compatibilityDate: "2026-04-01",
    },
  ],
});
