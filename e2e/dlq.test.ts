import { describe, expect, it } from "vitest";
import { makeEvent } from "../packages/common/src/events";
import { deriveOrderId } from "../workers/orders/src/domain/order-id";
// @ts-expect-error plain ESM script, the one `npm run dlq` runs
import { main as dlq } from "../scripts/dlq.mjs";
import { adminClient, Client, eventually } from "./client";
import { availableBecomes, newKey, placeOrder, publishedSale, signUp, statusBecomes } from "./saga-helpers";
import { inject } from "vitest";

// A message the orders saga cannot process (a payment outcome for an order that was never
// written) is retried, moved to orders-dlq and parked; `npm run dlq` lists it; once its cause is
// fixed (the order exists) the operator replays it and it takes effect once; replaying it again
// changes nothing.

let adminToken: string | null = null;

/** `npm run dlq -- …` against the booted stack as the seeded admin (ADMIN_TOKEN: one sign-in, not one per run), capturing what it prints. */
async function runDlq(...args: string[]) {
  adminToken ??= (await adminClient()).token;
  const out: string[] = [];
  const err: string[] = [];
  const code = await dlq(args, { baseUrl: inject("baseUrl"), env: { ADMIN_TOKEN: adminToken }, out: (s: string) => out.push(s), err: (s: string) => err.push(s) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

describe("npm run dlq -- list|replay <queue>", () => {
  it("lists a poison message parked in orders-dlq, replays it once its order exists, and a second replay changes nothing", async () => {
    const { sale } = await publishedSale({ quantity: 4 });
    const { client: buyer, user } = await signUp();
    const key = newKey();
    const orderId = await deriveOrderId(user.id, key);
    const poison = makeEvent("PaymentFailed", { orderId, paymentId: `pay-${key}`, responseCode: "24", reason: "cancelled by payer" });
    const sent = await new Client().post("/__dev/queue", { queue: "orders-inbox", body: poison });
    expect(sent.status).toBe(202);

    // Five retries with growing delays (about a minute, more on a busy machine), then orders-dlq parks it.
    type Parked = { id: string; body: { id: string }; replays: number; replayedAt: string | null };
    const parked = await eventually(async () => {
      const listed = await runDlq("list", "orders-dlq", "--json");
      expect(listed.code).toBe(0);
      return (JSON.parse(listed.stdout) as Parked[]).find((p) => p.body?.id === poison.id);
    }, 200_000, 2_000);
    expect(parked).toMatchObject({ replays: 0, replayedAt: null });
    const text = await runDlq("list", "orders");
    expect(text.stdout).toContain(`${parked.id}`);
    expect(text.stdout).toContain(`PaymentFailed ${poison.id} orderId=${orderId}`);

    // The cause is fixed: the buyer's order (same key, so the same id) now exists.
    const order = await placeOrder(buyer, sale, 2, key);
    expect(order.status).toBe(201);
    expect(order.json.order.id).toBe(orderId);
    await availableBecomes(sale, 2);

    const replayed = await runDlq("replay", "orders", parked.id);
    expect(replayed).toMatchObject({ code: 0, stderr: "" });
    expect(replayed.stdout).toContain(`replayed 1 to orders-inbox: ${parked.id}`);
    await statusBecomes(buyer, orderId, "cancelled");
    await availableBecomes(sale, 4);

    // Replayed rows leave the default list; a second replay is absorbed by the idempotent consumer.
    expect((await runDlq("list", "orders")).stdout).not.toContain(parked.id);
    expect((await runDlq("replay", "orders", parked.id)).code).toBe(0);
    const all = JSON.parse((await runDlq("list", "orders", "--all", "--json")).stdout) as Parked[];
    expect(all.find((p) => p.id === parked.id)).toMatchObject({ replays: 2, replayedAt: expect.any(String) });
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await buyer.get(`/api/orders/${orderId}`)).json.order.status).toBe("cancelled");
    await availableBecomes(sale, 4);
  }, 300_000);

  it("refuses bad arguments (exit 2), unknown ids (exit 1) and callers who are not admins", async () => {
    expect((await runDlq("list", "nope-dlq")).code).toBe(2);
    expect((await runDlq("replay", "orders")).code).toBe(2);
    const unknown = await runDlq("replay", "tickets-dlq", "no-such-message");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no-such-message");
    const { client: organizer } = await signUp("organizer");
    for (const path of ["/api/orders/admin/dead-letters", "/api/tickets/admin/dead-letters", "/api/notifications/admin/dead-letters", "/api/refunds/admin/dead-letters", "/api/reports/admin/dead-letters"]) {
      expect((await organizer.get(path)).status, path).toBe(403);
      expect((await new Client().get(path)).status, path).toBe(401);
    }
  });
});
