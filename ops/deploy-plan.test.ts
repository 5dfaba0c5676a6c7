import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { experimental_readRawConfig } from "wrangler";
import { deployPlan, HOT_WORKERS, RefusedError, UNPROVISIONED_ID } from "../scripts/ops/deploy-plan.ts";
import { parseDatabaseId, provisionPlan, withDatabaseId } from "../scripts/ops/provision.ts";
import { DEPLOYABLE, ENVIRONMENTS, ORDERLESS_ENTRYPOINTS, ROOT, bindingGraph, deployOrder, reaches, readSection, resources } from "../scripts/ops/workers.ts";

const node = (script: string, args: string[]) => spawnSync(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, encoding: "utf8" });

describe("deploy plan", () => {
  it.each(ENVIRONMENTS)("%s: every worker deploys after the workers it binds (unless they bind it back), the gateway last", (env) => {
    const order = deployOrder(env);
    const graph = bindingGraph(env);
    expect([...order].sort()).toEqual([...DEPLOYABLE].sort());
    const workerOf = new Map(DEPLOYABLE.map((w) => [readSection(w, env).name, w]));
    for (const w of order) {
      const s = readSection(w, env);
      const services = s.services ?? [];
      for (const { service } of services) expect(workerOf.has(service), `${w} binds ${service}, which is not a worker of ${env}`).toBe(true);
      const ordering = services.filter((x) => !ORDERLESS_ENTRYPOINTS.includes(x.entrypoint ?? "")).map((x) => x.service);
      const bound = [...ordering, ...(s.durable_objects?.bindings ?? []).flatMap((d) => (d.script_name ? [d.script_name] : []))];
      for (const target of bound) {
        expect(workerOf.has(target), `${w} binds ${target}, which is not a worker of ${env}`).toBe(true);
        const t = workerOf.get(target)!;
        if (!reaches(graph, t, w)) expect(order.indexOf(t), `${w} binds ${target}`).toBeLessThan(order.indexOf(w));
      }
    }
    expect(order.at(-1)).toBe("gateway");
    expect(order.indexOf("auth")).toBeLessThan(order.indexOf("events"));
    expect(order.indexOf("events")).toBeLessThan(order.indexOf("orders"));
  });

  it("applies each worker's D1 migrations before deploying it, and rolls out only the hot workers gradually", () => {
    const steps = deployPlan("production", { gradual: 10, dashboard: false });
    for (const w of DEPLOYABLE) {
      const mine = steps.filter((s) => "worker" in s && s.worker === w);
      const migrate = mine.findIndex((s) => s.kind === "wrangler" && s.args[0] === "d1");
      const ship = mine.findIndex((s) => s.kind === "gradual" || (s.kind === "wrangler" && s.args[0] === "deploy"));
      expect(ship, w).toBeGreaterThanOrEqual(0);
      if (readSection(w, "production").d1_databases?.length) {
        expect(migrate, w).toBeGreaterThanOrEqual(0);
        expect(migrate, w).toBeLessThan(ship);
        expect(mine[migrate]).toMatchObject({ args: expect.arrayContaining(["--remote", "--env", "production"]) });
      }
      expect(mine[ship].kind, w).toBe(HOT_WORKERS.includes(w) ? "gradual" : "wrangler");
    }
  });

  it("refuses the development-only workers and unknown ones", () => {
    expect(() => deployPlan("production", { only: ["vnpay-sandbox"] })).toThrow(RefusedError);
    expect(() => deployPlan("staging", { only: ["orders", "dev-cron"] })).toThrow(/dev-cron is development-only/);
    expect(() => deployPlan("production", { only: ["nope"] })).toThrow(/unknown worker/);
    const cli = node("scripts/deploy.mjs", ["--env", "production", "--only", "vnpay-sandbox", "--dry-run"]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/vnpay-sandbox is development-only/);
    for (const env of ENVIRONMENTS) {
      expect(resources(env).d1.has("vnpay_sandbox")).toBe(false);
      expect(readSection("gateway", env).services?.map((s) => s.binding)).not.toContain("VNPAY_SANDBOX");
    }
  });

  it("--dry-run prints the whole plan and exits 0 without an account", () => {
    const cli = node("scripts/deploy.mjs", ["--env", "staging", "--dry-run"]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("wrangler d1 migrations apply orders-staging --remote --env staging -c workers/orders/wrangler.toml");
    expect(cli.stdout).toContain("wrangler deploy --env staging -c wrangler.toml");
    expect(cli.stdout).toContain("nothing was sent to Cloudflare");
  });
});

describe("provision", () => {
  it("creates each environment's own queues, dead-letter queues and buckets, never shared ones", () => {
    const staging = provisionPlan("staging").map((r) => r.name);
    const production = provisionPlan("production").map((r) => r.name);
    expect(staging.filter((n) => production.includes(n))).toEqual([]);
    expect(production).toEqual(expect.arrayContaining(["orders-inbox", "orders-dlq", "tickets-dlq", "refunds-dlq", "notifications-dlq", "tickets-qr", "tickets-backups", "orders"]));
  });

  it("writes a new D1 id into that environment's section only", () => {
    const file = join(ROOT, "workers/orders/wrangler.toml");
    const text = readFileSync(file, "utf8");
    const id = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    const dir = mkdtempSync(join(tmpdir(), "provision-"));
    writeFileSync(join(dir, "wrangler.toml"), withDatabaseId(text, "staging", "orders-staging", id));
    const { rawConfig } = experimental_readRawConfig({ config: join(dir, "wrangler.toml") });
    const raw = rawConfig as unknown as { d1_databases: Array<{ database_id: string }>; env: Record<string, { d1_databases: Array<{ database_id: string }> }> };
    expect(raw.env.staging.d1_databases[0].database_id).toBe(id);
    expect(raw.env.production.d1_databases[0].database_id).toBe(UNPROVISIONED_ID);
    expect(raw.d1_databases[0].database_id).toBe(readSection("orders").d1_databases![0].database_id);
    expect(() => withDatabaseId(text, "staging", "orders", id)).toThrow(/no \[\[env.staging.d1_databases\]\]/);
  });

  it("reads the id from wrangler d1 create's output", () => {
    expect(parseDatabaseId(`[[d1_databases]]\nbinding = "DB"\ndatabase_name = "orders"\ndatabase_id = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"`)).toBe("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
    expect(parseDatabaseId(`{"uuid": "aaaaaaaa-4b5a-4968-8776-a5b4c3d2e1f0", "name": "orders"}`)).toBe("aaaaaaaa-4b5a-4968-8776-a5b4c3d2e1f0");
    expect(parseDatabaseId("✘ [ERROR] nothing here")).toBeNull();
  });

  it("--dry-run lists what would be created", () => {
    const out = execFileSync(process.execPath, [join(ROOT, "scripts/provision.mjs"), "--env", "production", "--dry-run"], { cwd: ROOT, encoding: "utf8" });
    expect(out).toContain("wrangler d1 create orders");
    expect(out).toContain("wrangler queues create orders-dlq");
    expect(out).toContain("wrangler r2 bucket create tickets-backups");
  });
});
