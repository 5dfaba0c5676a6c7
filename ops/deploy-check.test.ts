import { beforeAll, describe, expect, it } from "vitest";
import { bindingProblems, codeBindings, deployCheck, formatReport, BUNDLE_LIMIT_BYTES, type CheckReport, type CodeBinding } from "../scripts/ops/deploy-check.ts";
import { DEPLOYABLE, ENVIRONMENTS, readSection } from "../scripts/ops/workers.ts";

describe("deploy check (offline: wrangler deploy --dry-run, no account)", () => {
  let report: CheckReport;
  beforeAll(async () => {
    report = await deployCheck("production", { parallel: 2 });
    console.log(formatReport(report));
  });

  it("bundles every deployable worker for production under the 3 MB gzipped limit", () => {
    expect(report.bundles.map((b) => b.worker).sort()).toEqual([...DEPLOYABLE].sort());
    for (const b of report.bundles) {
      expect(b.gzipBytes, b.worker).toBeGreaterThan(10_000); // a real bundle, not an empty outdir
      expect(b.gzipBytes, b.worker).toBeLessThan(BUNDLE_LIMIT_BYTES);
    }
    expect(report.problems).toEqual([]);
  });

  it("every environment declares every binding the code reads, and nothing it does not", () => {
    const code = codeBindings();
    for (const env of ENVIRONMENTS) {
      const problems = DEPLOYABLE.flatMap((w) => bindingProblems(w, code.get(w)!, readSection(w, env)));
      expect(problems, env).toEqual([]);
    }
  });
});

describe("binding comparison", () => {
  const code = (): Map<string, CodeBinding[]> => codeBindings(["orders", "gateway", "payments"]);
  let bindings: Map<string, CodeBinding[]>;
  beforeAll(() => { bindings = code(); });

  it("reads Env through type aliases, intersections and mapped types", () => {
    const orders = bindings.get("orders")!;
    expect(orders).toContainEqual({ name: "DB", kind: "d1", optional: false });
    expect(orders).toContainEqual({ name: "INVENTORY", kind: "durable_object", optional: false });
    expect(orders).toContainEqual({ name: "EVENTS_RPC", kind: "service", optional: false });
    expect(orders).toContainEqual({ name: "HOLD_TTL_SECONDS", kind: "string", optional: true });
    const gateway = bindings.get("gateway")!;
    expect(gateway).toContainEqual({ name: "ORDERS", kind: "service", optional: false }); // from SERVICE_BINDINGS
    expect(gateway).toContainEqual({ name: "RL_WRITE", kind: "ratelimit", optional: false });
    expect(gateway).toContainEqual({ name: "DEV_CRON", kind: "service", optional: true });
  });

  it("reports a top-level binding that was not repeated in the environment", () => {
    const section = readSection("orders", "production");
    const withoutDb = { ...section, d1_databases: [] };
    expect(bindingProblems("orders", bindings.get("orders")!, withoutDb)).toEqual([{ worker: "orders", binding: "DB", problem: "missing d1 binding" }]);
    // The top level (what `wrangler dev` uses) is no substitute: environments inherit none of it.
    const topLevel = readSection("orders");
    expect(topLevel.d1_databases?.length).toBe(1);
  });

  it("reports an unused binding, a wrong kind and a required string that is nowhere", () => {
    const section = readSection("payments", "production");
    const broken = {
      ...section,
      vars: { DASHBOARD_ORIGIN: "https://x.example" }, // VNPAY_HOST dropped: optional, fine
      queues: { producers: [{ binding: "ORDERS_INBOX", queue: "orders-inbox" }, { binding: "TICKETS_INBOX", queue: "tickets-inbox" }] },
      r2_buckets: [{ binding: "NOTIFICATIONS_INBOX", bucket_name: "oops" }],
    };
    const problems = bindingProblems("payments", bindings.get("payments")!, broken).map((p) => `${p.binding}: ${p.problem}`);
    expect(problems.sort()).toEqual([
      "NOTIFICATIONS_INBOX: declared as r2, the code expects queue",
      "TICKETS_INBOX: queue binding the code never reads",
    ]);
    const noSecretList = bindingProblems("gateway", bindings.get("gateway")!, { ...readSection("gateway", "production") });
    expect(noSecretList).toEqual([]);
    const unknownWorker = bindingProblems("not-listed", bindings.get("gateway")!, readSection("gateway", "production"));
    expect(unknownWorker).toContainEqual({ worker: "not-listed", binding: "INTERNAL_AUTH_SECRET", problem: "required string is neither in [vars] nor a listed secret" });
  });
});
