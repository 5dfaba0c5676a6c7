import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("payments worker", () => {
  it("reports its D1 and queue bindings healthy", async () => {
    const res = await (exports as unknown as { default: Fetcher }).default.fetch("http://internal/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", checks: { db: "ok", ordersInbox: "ok" } });
  });
});
