import { readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { bundleForWorkerd, workerProject } from "../../scripts/worker-project.ts";

// The workers orders binds, as one prebuilt bundle: the real EventInventory Durable Object plus
// contract stand-ins for the RPC of events, payments, tickets, refunds and notifications, and the
// InboxReceipts of tickets, notifications, refunds and reports (test/fakes/events-worker.ts).
const bundle = bundleForWorkerd(fileURLToPath(new URL("./test/fakes/events-worker.ts", import.meta.url)));

const auxWorker = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  modules: [{ type: "ESModule", path: fileURLToPath(new URL(`./test/fakes/.${name}.bundle.mjs`, import.meta.url)), contents: bundle }],
  compatibilityDate: "2026-04-01",
  compatibilityFlags: ["nodejs_compat"],
  ...extra,
});

// The inventory object gets what it has in the events worker: its SQLite storage, the events D1
// (schema from migrations/events, for its availability flush and configuration bootstrap), and a
// producer for its HoldExpired notices, on a queue of their own so that the tests deliver
// HoldExpired to orders themselves. TEST_ORDERS_INBOX puts messages on the real orders-inbox queue.
export default workerProject("orders", {
  workers: [
    auxWorker("events", {
      durableObjects: { INVENTORY: { className: "EventInventory", useSQLite: true } },
      d1Databases: { DB: "orders-test-events-db" },
      bindings: { EVENTS_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("../../migrations/events", import.meta.url))) },
      queueProducers: { ORDERS_INBOX: { queueName: "orders-test-hold-notices" } },
    }),
    auxWorker("payments"),
    auxWorker("tickets"),
    auxWorker("notifications"),
    auxWorker("refunds"),
    auxWorker("reports"),
  ],
  miniflare: { queueProducers: { TEST_ORDERS_INBOX: { queueName: "orders-inbox" } } },
  // Short enough for test/payments-outage.test.ts to see a late payments worker and a half-open
  // probe, and for the timeline's per-service wait to see a slow stand-in. Turnstile with
  // Cloudflare's always-pass test secret (verified locally, nothing leaves the machine); an event
  // is hot from 12 holds a minute (test/hoarding.test.ts).
  bindings: {
    TIMELINE_SOURCE_TIMEOUT_MS: "400",
    PAYMENTS_TIMEOUT_MS: "300",
    RPC_DEADLINE_MS: "2000",
    BREAKER_COOLDOWN_MS: "500",
    TURNSTILE_SECRET_KEY: "1x0000000000000000000000000000000AA",
    TURNSTILE_SITE_KEY: "1x00000000000000000000AA",
    TURNSTILE_HOT_HOLDS_PER_MINUTE: "12",
  },
});
