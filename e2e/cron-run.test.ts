import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it, inject } from "vitest";
import { eventually } from "./client";
import { payAtSandbox, placeOrder, publishedSale, signUp, statusBecomes } from "./saga-helpers";

const SCRIPT = join(__dirname, "..", "scripts", "cron-run.mjs");

/** `npm run cron -- …` as a developer runs it, against the booted stack ($API). */
function cronRun(args: string[], api = inject("baseUrl")) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { env: { ...process.env, API: api }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// A browser's P-256 public key (the one in RFC 8291's example).
const BROWSER_KEY = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";

type Item = { template: string; subject: string; channel: string };

describe("npm run cron -- <worker> [cron]", () => {
  it("runs the reminder job now: a holder of an event starting in 90 minutes gets one reminder (email and push), however often it runs", async () => {
    const { sale } = await publishedSale({ quantity: 5, startsAt: new Date(Date.now() + 90 * 60_000) });
    const { client: buyer } = await signUp();
    // This buyer also gets push messages in one browser (the stack's local push driver only records them).
    expect((await buyer.get("/api/notifications/push/public-key")).json.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const endpoint = `https://push.example.test/e2e/${Date.now()}`;
    const subscribed = await buyer.post("/api/notifications/push/subscriptions", { endpoint, keys: { p256dh: BROWSER_KEY, auth: "BTBZMqHH6r4Tts7J_aSIgg" } });
    expect(subscribed.status).toBe(201);
    const order = await placeOrder(buyer, sale, 1);
    expect(order.status).toBe(201);
    await payAtSandbox(order.json.paymentUrl, "success");
    await statusBecomes(buyer, order.json.order.id, "confirmed");
    const mine = async () => (await buyer.get("/api/notifications")).json.items as Item[];
    await eventually(async () => (await mine()).some((i) => i.template === "order_confirmed"));

    const first = await cronRun(["notifications"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^notifications "\*\/15 \* \* \* \*": ok \(\d+ ms\)$/m);
    const reminder = await eventually(async () => (await mine()).find((i) => i.template === "event_reminder"));
    expect(reminder.subject).toMatch(/^Nhắc lịch: Saga night bắt đầu sau 1 giờ (25|30) phút nữa, lúc /);

    expect((await cronRun(["notifications", "*/15 * * * *"])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    const reminders = (await mine()).filter((i) => i.template === "event_reminder");
    expect(reminders.map((i) => i.channel).sort()).toEqual(["email", "push"]);
    expect((await mine()).filter((i) => i.channel === "push").map((i) => i.template).sort()).toEqual(["event_reminder", "order_confirmed"]);
  });

  it("lists the available crons on a bad worker or cron name", async () => {
    const badWorker = await cronRun(["nope"]);
    expect(badWorker.code).toBe(2);
    expect(badWorker.stderr).toContain('No worker "nope" with crons');
    expect(badWorker.stderr).toMatch(/notifications\s+"\*\/15 \* \* \* \*"/);
    const badCron = await cronRun(["notifications", "0 0 * * *"]);
    expect(badCron.code).toBe(2);
    expect(badCron.stderr).toContain('notifications has no cron "0 0 * * *"');
  });

  it("says clearly when the stack is not running", async () => {
    const down = await cronRun(["notifications"], "http://127.0.0.1:9");
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("Cannot reach the local stack at http://127.0.0.1:9");
    expect(down.stderr).toContain("npm run dev");
  });
});
