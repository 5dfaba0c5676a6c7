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
    // notifications, for its InboxReceipts entrypoint (delivery confirmed by effect).
    {
      name: "notifications",
      modules: true,
      scriptPath: fileURLToPath(new URL("../../packages/common/test/inbox-receipts-stand-in.mjs", import.meta.url)),
      compatibilityDate: "2026-04-01",
    },
    {
      name: "reports",
      modules: true,
      scriptPath: fileURLToPath(new URL("../../packages/common/test/inbox-receipts-stand-in.mjs", import.meta.url)),
      compatibilityDate: "2026-04-01",
    },
  ],
});
