import { beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { Client, eventually } from "./client";
import { getOrder, payAtSandbox, publishedSale, signUp, statusBecomes, type Sale } from "./saga-helpers";

// Sales reports on the booted stack: two orders paid at the VNPAY sandbox, one refunded in full by
// its buyer, the other partly by the organizer, one ticket checked in; the report (JSON and CSV),
// the live series, the organizer summary and the nightly reconciliation (run through the local
// dev cron) must all agree with the refunds and orders to the đồng.

const STANDARD_VND = 350_000;
const VIP_VND = 1_250_000;
const VIP_NAME = "Vé VIP – Hàng đầu, \"Trịnh\"";
const GROSS = 3 * STANDARD_VND + VIP_VND;
/** The organizer gives back part of order A (2 Standard + 1 VIP = 1,950,000 ₫): an odd amount on purpose. */
const PARTIAL_VND = 300_001;
// Spread over order A's ticket types in proportion to what they cost (700,000 : 1,250,000), in
// whole đồng, the leftover đồng to the largest remainder: 107,692.67 → 107,693; 192,308.33 → 192,308.
const PARTIAL_STANDARD_VND = 107_693;
const PARTIAL_VIP_VND = 192_308;
/** Order B (one Standard) in full by its buyer, plus the partial refund of order A. */
const REFUNDED = STANDARD_VND + PARTIAL_VND;
const NET = GROSS - REFUNDED;

type Ticket = { id: string; code: string; status: string; ticketTypeId: string };

async function buyAndPay(buyer: Client, eventId: string, items: Array<{ ticketTypeId: string; quantity: number }>) {
  const res = await buyer.post("/api/orders", { eventId, items }, { "idempotency-key": `reports-${crypto.randomUUID()}` });
  expect(res.status).toBe(201);
  await payAtSandbox(res.json.paymentUrl, "success");
  await statusBecomes(buyer, res.json.order.id, "confirmed");
  return { orderId: res.json.order.id as string };
}

/** Vietnam's calendar day now (UTC+7, no daylight saving). */
const vnToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

describe("sales reports", () => {
  let organizer: Client;
  let sale: Sale;
  let vipId: string;
  let buyerA: Client;
  let buyerB: Client;
  let orderA: Awaited<ReturnType<typeof buyAndPay>>;
  let orderB: Awaited<ReturnType<typeof buyAndPay>>;
  const path = () => `/api/reports/events/${sale.eventId}/sales`;
  const report = async () => {
    const res = await organizer.get(path());
    expect(res.status).toBe(200);
    return res.json;
  };

  beforeAll(async () => {
    ({ organizer, sale } = await publishedSale({ quantity: 20, priceVnd: STANDARD_VND }));
    const vip = await organizer.post(`/api/events/${sale.eventId}/ticket-types`, { name: VIP_NAME, priceVnd: VIP_VND, quantity: 5, maxPerOrder: 2 });
    expect(vip.status).toBe(201);
    vipId = vip.json.ticketType.id;
    buyerA = (await signUp()).client;
    buyerB = (await signUp()).client;
  });

  it("shows a sale within 5 seconds of its confirmation", async () => {
    orderA = await buyAndPay(buyerA, sale.eventId, [
      { ticketTypeId: sale.ticketTypeId, quantity: 2 },
      { ticketTypeId: vipId, quantity: 1 },
    ]);
    // Polling starts once the order reads confirmed: the read model must have it within 5 s.
    await eventually(async () => (await report()).ticketsSold === 3, 5_000, 200);
    orderB = await buyAndPay(buyerB, sale.eventId, [{ ticketTypeId: sale.ticketTypeId, quantity: 1 }]);
    await eventually(async () => (await report()).ticketsSold === 4, 5_000, 200);
  });

  it("counts a full refund, a partial refund and a check-in, to the đồng", async () => {
    const full = await buyerB.post(`/api/orders/${orderB.orderId}/refund`, { reason: "Khong the tham du" });
    expect(full.status).toBe(202);
    await statusBecomes(buyerB, orderB.orderId, "refunded");

    const tickets = await eventually(async () => {
      const o = await getOrder(buyerA, orderA.orderId);
      return o.tickets?.length === 3 ? (o.tickets as Ticket[]) : null;
    }, 20_000);
    const vipTicket = tickets.find((t) => t.ticketTypeId === vipId)!;
    expect((await organizer.post("/api/checkin", { code: vipTicket.code })).status).toBe(200);

    // The organizer refunds part of order A (a check-in does not stop an organizer's refund).
    const partial = await organizer.post(`/api/orders/${orderA.orderId}/refund`, { reason: "Goodwill: late start", amountVnd: PARTIAL_VND });
    expect(partial.status).toBe(202);
    await statusBecomes(buyerA, orderA.orderId, "partially_refunded");

    // The source of truth: what the refunds worker says was given back.
    const refunds = await Promise.all([full.json.refund.id, partial.json.refund.id].map((id: string) => organizer.get(`/api/refunds/${id}`)));
    expect(refunds.map((r) => [r.json.refund.status, r.json.refund.amountVnd])).toEqual([
      ["succeeded", STANDARD_VND],
      ["succeeded", PARTIAL_VND],
    ]);
    expect(refunds.reduce((sum, r) => sum + r.json.refund.amountVnd, 0)).toBe(REFUNDED);

    const expected = { eventId: sale.eventId, ticketsSold: 4, grossVnd: GROSS, refundedVnd: REFUNDED, netVnd: NET, orders: 2, checkIns: 1 };
    const figures = await eventually(async () => {
      const r = await report();
      return r.refundedVnd === expected.refundedVnd && r.checkIns === 1 ? r : null;
    }, 10_000);
    expect(figures).toMatchObject(expected);
    const standardRefunded = STANDARD_VND + PARTIAL_STANDARD_VND;
    expect(figures.byTicketType).toEqual(
      expect.arrayContaining([
        { ticketTypeId: sale.ticketTypeId, name: "Standard", ticketsSold: 3, grossVnd: 3 * STANDARD_VND, refundedVnd: standardRefunded, netVnd: 3 * STANDARD_VND - standardRefunded, checkIns: 0 },
        { ticketTypeId: vipId, name: VIP_NAME, ticketsSold: 1, grossVnd: VIP_VND, refundedVnd: PARTIAL_VIP_VND, netVnd: VIP_VND - PARTIAL_VIP_VND, checkIns: 1 },
      ]),
    );
    expect(figures.byTicketType).toHaveLength(2);
    // The per-type parts add up to the refunds exactly: no đồng lost or made up by the spreading.
    expect(figures.byTicketType.reduce((sum: number, t: { refundedVnd: number }) => sum + t.refundedVnd, 0)).toBe(REFUNDED);
    expect(figures.byDay).toEqual([{ date: vnToday(), ticketsSold: 4, grossVnd: GROSS, refundedVnd: REFUNDED, netVnd: NET, orders: 2, checkIns: 1 }]);
  });

  it("gives the same figures as CSV (UTF-8 with BOM, RFC 4180 quoting, Vietnamese names intact)", async () => {
    const res = await fetch(`${inject("baseUrl")}${path()}?format=csv`, { headers: { authorization: `Bearer ${organizer.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="[A-Za-z0-9._-]+\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split("\r\n");
    expect(lines[0]).toBe("section,date,ticket_type_id,ticket_type,tickets_sold,gross_vnd,refunded_vnd,net_vnd,orders,check_ins");
    expect(lines).toContain(`ticket_type,,${vipId},"Vé VIP – Hàng đầu, ""Trịnh""",1,${VIP_VND},${PARTIAL_VIP_VND},${VIP_VND - PARTIAL_VIP_VND},,1`);
    expect(lines).toContain(`day,${vnToday()},,,4,${GROSS},${REFUNDED},${NET},2,1`);
    expect(lines).toContain(`total,,,,4,${GROSS},${REFUNDED},${NET},2,1`);
  });

  it("is 404 event_not_found for another organizer and for a buyer", async () => {
    const { client: other } = await signUp("organizer");
    for (const who of [other, buyerA]) {
      for (const p of [path(), `${path()}?format=csv`, `${path()}/series`]) {
        const res = await who.get(p);
        expect(res.status).toBe(404);
        expect(res.json.error.code).toBe("event_not_found");
      }
    }
  });

  it("shows the sales in the per-minute series and the organizer summary", async () => {
    const series = await organizer.get(`${path()}/series?minutes=30`);
    expect(series.status).toBe(200);
    expect(series.json.items).toHaveLength(30);
    expect(series.json.items.reduce((s: number, p: { ticketsSold: number }) => s + p.ticketsSold, 0)).toBe(4);
    expect(series.json.items.reduce((s: number, p: { grossVnd: number }) => s + p.grossVnd, 0)).toBe(GROSS);

    const summary = await organizer.get("/api/reports/organizer/summary");
    expect(summary.status).toBe(200);
    expect(summary.json.events).toEqual([
      { eventId: sale.eventId, title: "Saga night", ticketsSold: 4, grossVnd: GROSS, refundedVnd: REFUNDED, netVnd: NET },
    ]);
    expect(summary.json.totals).toEqual({ ticketsSold: 4, grossVnd: GROSS, refundedVnd: REFUNDED, netVnd: NET });
  });

  it("writes the organizer's daily CSV at 07:00 Vietnam time and emails the link once (daily job, run by the dev cron)", async () => {
    // The run at 00:00 UTC the next day (07:00 in Vietnam) covers today's Vietnam day.
    const today = vnToday();
    const runAt = new Date(Date.parse(`${today}T00:00:00.000Z`) + 86_400_000).toISOString();
    for (let i = 0; i < 2; i++) {
      const run = await new Client().post("/__dev/cron", { worker: "reports", cron: "0 0 * * *", scheduledTime: runAt });
      expect(run.status).toBe(200);
    }
    const file = await organizer.get(`/api/reports/files/daily/${today}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(file.text).toContain(`${sale.eventId},Saga night,,total,4,${GROSS},${REFUNDED},${NET},2,1`);
    expect(file.text).toContain(`"Vé VIP – Hàng đầu, ""Trịnh"""`);
    const { client: other } = await signUp("organizer");
    expect((await other.get(`/api/reports/files/daily/${today}`)).json.error.code).toBe("report_not_found");

    const messages = await eventually(async () => {
      const res = await organizer.get("/api/notifications");
      const found = res.json.items.filter((m: { template: string }) => m.template === "daily_report");
      return found.length ? found : null;
    }, 15_000);
    // Two runs of the same day, one email (give a second one time to show up if it were sent).
    await new Promise((r) => setTimeout(r, 1_500));
    const again = (await organizer.get("/api/notifications")).json.items.filter((m: { template: string }) => m.template === "daily_report");
    expect(again).toHaveLength(1);
    expect(messages[0]).toMatchObject({ channel: "email", template: "daily_report", subject: expect.stringContaining(today) });
    expect(messages[0].bodyText).toContain(`/api/reports/files/daily/${today}`);
  });

  it("reconciles with the orders and refunds workers without a drift for this event (nightly job, run by the dev cron)", async () => {
    const run = await new Client().post("/__dev/cron", { worker: "reports", cron: "30 19 * * *" });
    expect(run.status).toBe(200);
    const admin = new Client();
    const login = await admin.post("/api/auth/login", { email: "admin@example.com", password: "admin-demo-pass" });
    expect(login.status).toBe(200);
    admin.token = login.json.accessToken;
    const res = await admin.get("/api/reports/admin/reconciliation?limit=1");
    expect(res.status).toBe(200);
    const [latest] = res.json.items;
    expect(["ok", "drift"]).toContain(latest.status);
    expect(latest.eventsChecked).toBeGreaterThan(0);
    expect(latest.drifts.filter((d: { eventId: string }) => d.eventId === sale.eventId)).toEqual([]);
    expect((await organizer.get("/api/reports/admin/reconciliation")).status).toBe(403);
  });
});
