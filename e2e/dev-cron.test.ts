import { describe, expect, it } from "vitest";
import { Client } from "./client";
// @ts-expect-error plain ESM script used by `npm run dev`
import { cronDue, workerCrons } from "../scripts/cron.mjs";
// @ts-expect-error plain ESM script
import { ROOT, WORKERS } from "../scripts/stack.mjs";

describe("local Cron Triggers (npm run dev)", () => {
  const client = new Client();
  const crons: Array<{ worker: string; cron: string }> = workerCrons(ROOT, WORKERS);

  it("finds the crons the workers declare", () => {
    expect(crons).toEqual(expect.arrayContaining([{ worker: "orders", cron: "* * * * *" }, { worker: "notifications", cron: "*/15 * * * *" }]));
  });

  it("knows when a cron is due (UTC, like Cloudflare)", () => {
    const at = (h: number, m: number) => new Date(Date.UTC(2026, 10, 25, h, m));
    expect(cronDue("* * * * *", at(3, 17))).toBe(true);
    expect(cronDue("0 * * * *", at(3, 0))).toBe(true);
    expect(cronDue("0 * * * *", at(3, 1))).toBe(false);
    expect(cronDue("*/30 * * * *", at(3, 30))).toBe(true);
    expect(cronDue("*/30 * * * *", at(3, 31))).toBe(false);
    expect(cronDue("15 9 * * *", at(9, 15))).toBe(true);
    expect(cronDue("15 9 * * *", at(10, 15))).toBe(false);
  });

  it("runs every worker's scheduled handler on the real stack without an exception", async () => {
    for (const { worker, cron } of crons) {
      const res = await client.post("/__dev/cron", { worker, cron });
      expect(res.status, `${worker}: ${res.text}`).toBe(200);
      expect(res.json).toMatchObject({ worker, cron, outcome: "ok" });
    }
  });

  it("refuses a bad request in the error format", async () => {
    const res = await client.post("/__dev/cron", { worker: "nope", cron: "* * * * *" });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_request");
  });
});
