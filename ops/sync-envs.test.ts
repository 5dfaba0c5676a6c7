import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { UNPROVISIONED_ID } from "../scripts/ops/deploy-plan.ts";
import { MARKER, configFile, syncedConfig, topLevelText } from "../scripts/ops/sync-envs.ts";
import { DEPLOYABLE } from "../scripts/ops/workers.ts";

describe("environment sections (npm run configs:envs)", () => {
  it.each(DEPLOYABLE)("%s: the committed [env.*] sections are the ones generated from its top level", (worker) => {
    const text = readFileSync(configFile(worker), "utf8");
    expect(text.includes(MARKER), `${configFile(worker)} has no generated sections: run \`npm run configs:envs\``).toBe(true);
    expect(text === syncedConfig(worker, text), `${configFile(worker)}'s [env.production]/[env.staging] sections are out of date with its top-level bindings: run \`npm run configs:envs\` and commit the result`).toBe(true);
  });

  const config = (extra: string, envs = "") => `name = "shop"
main = "src/index.ts"
services = [
  { binding = "AUTH", service = "auth", entrypoint = "AuthRpc" },
  { binding = "DEV_CRON", service = "dev-cron" },
]

[vars]
DASHBOARD_ORIGIN = "http://localhost:8788"
LIMIT = "5"

[[d1_databases]]
binding = "DB"
database_name = "shop"
database_id = "00000000-0000-4000-8000-000000000009"
migrations_dir = "../../migrations/shop"
${extra}
${envs}`;

  it("a binding added at the top level appears in both environments, renamed for staging; dev-only ones do not", () => {
    const out = parse(syncedConfig("shop", config(`
[[queues.producers]]
binding = "SHOP_INBOX"
queue = "shop-inbox"

[[ratelimits]]
name = "RL_SHOP"
namespace_id = "1007"
simple = { limit = 10, period = 60 }
`))) as any;
    expect(out.env.production.queues.producers).toEqual([{ binding: "SHOP_INBOX", queue: "shop-inbox" }]);
    expect(out.env.staging.queues.producers).toEqual([{ binding: "SHOP_INBOX", queue: "shop-inbox-staging" }]);
    expect(out.env.staging.ratelimits[0]).toEqual({ name: "RL_SHOP", namespace_id: "2007", simple: { limit: 10, period: 60 } });
    expect(out.env.staging.services).toEqual([{ binding: "AUTH", service: "auth-staging", entrypoint: "AuthRpc" }]);
    expect(out.env.production.vars).toEqual({ DASHBOARD_ORIGIN: "https://tickets.example.com", LIMIT: "5" });
    expect(out.env.production.d1_databases[0]).toMatchObject({ database_name: "shop", database_id: UNPROVISIONED_ID });
    expect(out.env.staging.name).toBe("shop-staging");
  });

  it("keeps provisioned D1 ids and the top level byte for byte; re-running changes nothing", () => {
    const once = syncedConfig("shop", config(""));
    const id = "0b9e2d4c-1f3a-4c5e-9a7b-2d4f6e8a0c1e";
    const provisioned = once.replace(/(\[\[env\.staging\.d1_databases\]\][^[]*?database_id = )"set-by-provision"/, `$1"${id}"`);
    const again = syncedConfig("shop", provisioned);
    expect(again).toBe(provisioned);
    expect((parse(again) as any).env.staging.d1_databases[0].database_id).toBe(id);
    expect(topLevelText(again)).toBe(config("").replace(/\n*$/, "\n"));
  });

  it("refuses a development URL it has no per-environment value for", () => {
    expect(() => syncedConfig("shop", config(`
[[r2_buckets]]
binding = "B"
bucket_name = "b"
`).replace('LIMIT = "5"', 'CALLBACK_URL = "http://localhost:8787/cb"'))).toThrow(/CALLBACK_URL .* ENV_VARS/);
  });
});
