import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("support worker", () => {
  it("reports its D1 healthy and has the migrated schema", async () => {
    const res = await (exports as unknown as { default: Fetcher }).default.fetch("http://internal/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", checks: { db: "ok" } });
    const tables = await (env as any).DB.prepare("SELECT name FROM sqlite_master WHERE type='table'").all();
    expect(tables.results.map((r: any) => r.name)).toContain("outbox");
  });
});
