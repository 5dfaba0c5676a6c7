import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { join } from "node:path";
import { apiCaller, launch, screenshot, SCREENSHOTS, signIn, watchPageErrors } from "./browser";

// The waiting room in Chromium against the booted stack: the organizer switches it on in the
// organizer page, other buyers queue first (API), the browser buyer joins, watches the place fall
// over the WebSocket, is admitted, buys with the pass and lands on the pending order.
const apiUrl = inject("apiUrl");
const web = inject("dashboardUrl");
const ORGANIZER = { email: "organizer@example.com", password: "organizer-demo-pass" };
const TICKET_TYPE = "Queue standing";
const RATE = 30; // a minute: one admission every 2 s
const AHEAD = 4;

const apiCall = apiCaller(apiUrl);

async function registerBuyer(name: string) {
  const email = `queue-${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = "queue-browser-pass";
  const res = await apiCall("POST", "/api/auth/register", { body: { email, password, name, role: "buyer" } });
  expect(res.status).toBe(201);
  return { email, password, token: res.json.accessToken as string };
}

let context: BrowserContext;
let close: () => Promise<void>;
const pageErrors: string[] = [];

async function newPage() {
  const page = await context.newPage();
  watchPageErrors(page, pageErrors);
  return page;
}

const placeOf = async (page: Page) => Number(/(\d+)\s*$/.exec((await page.getByTestId("queue-position").textContent()) ?? "")?.[1] ?? NaN);

beforeAll(async () => {
  ({ context, close } = await launch());
});
afterAll(async () => {
  await close?.();
});

describe("waiting room in Chromium", () => {
  it("organizer turns the room on; a buyer joins behind others, sees the place fall live, is admitted and buys with the pass", async () => {
    // The organizer's event, published through the API (the organizer pages are covered by dashboard.test.ts).
    const login = await apiCall("POST", "/api/auth/login", { body: ORGANIZER });
    const org = login.json.accessToken as string;
    const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const created = await apiCall("POST", "/api/events", { token: org, body: { title: `Queue night ${Date.now()}`, venue: "Nhà hát Lớn", startsAt: `${day}T12:00:00.000Z`, endsAt: `${day}T15:00:00.000Z` } });
    expect(created.status).toBe(201);
    const event = created.json.event;
    const tt = await apiCall("POST", `/api/events/${event.id}/ticket-types`, { token: org, body: { name: TICKET_TYPE, priceVnd: 250_000, quantity: 40, maxPerOrder: 2 } });
    expect(tt.status).toBe(201);
    expect((await apiCall("POST", `/api/events/${event.id}/publish`, { token: org })).status).toBe(200);

    // The organizer switches the room on in the organizer page.
    const organizerPage = await newPage();
    await signIn(organizerPage, web, ORGANIZER);
    await organizerPage.goto(`${web}/organizer/events/${event.id}`);
    await organizerPage.getByRole("heading", { name: "Waiting room" }).waitFor();
    await organizerPage.getByLabel("Waiting room on").check();
    await organizerPage.getByLabel("Buyers let in per minute").fill(String(RATE));
    await organizerPage.getByRole("button", { name: "Save waiting room" }).click();
    await organizerPage.getByText("Waiting room settings saved.").waitFor();
    await organizerPage.getByText("The waiting room is on").waitFor();
    expect((await apiCall("GET", `/api/events/${event.id}`)).json.event.queue).toMatchObject({ enabled: true, admitPerMinute: RATE, active: true });

    // The browser buyer, signed in on the event page: the queue instead of Buy.
    const buyer = await registerBuyer("browser");
    const others = await Promise.all(Array.from({ length: AHEAD }, (_, i) => registerBuyer(`ahead${i}`)));
    const page = await newPage();
    await signIn(page, web, buyer);
    await page.goto(`${web}/events/${event.id}`);
    const joinButton = page.getByRole("button", { name: "Join the queue" });
    await joinButton.waitFor();
    expect(await page.getByRole("button", { name: "Buy", exact: true }).count()).toBe(0);
    expect(await page.getByLabel(`Quantity for ${TICKET_TYPE}`).isDisabled()).toBe(true);

    // Others queue first, then the browser buyer joins behind them.
    for (const other of others) expect((await apiCall("POST", `/api/events/${event.id}/queue`, { token: other.token })).status).toBe(200);
    await joinButton.click();
    await page.getByTestId("queue-position").waitFor();
    const first = await placeOf(page);
    expect(first).toBeGreaterThan(1);
    await page.getByText("Your place updates live.").waitFor();
    await page.getByText("How places are given").waitFor();
    await screenshot(page, "event-queue-waiting");

    // The organizer's live figures show the line.
    await expect.poll(async () => Number(await organizerPage.getByTestId("queue-stats").locator("dd").first().textContent()), { timeout: 10_000 }).toBeGreaterThan(0);
    await organizerPage.locator("section.org-section", { has: organizerPage.getByRole("heading", { name: "Waiting room" }) }).screenshot({ path: join(SCREENSHOTS, "organizer-waiting-room.png"), animations: "disabled" });

    // The place falls without a reload, then the buy form comes back with the pass.
    await expect.poll(() => placeOf(page), { timeout: 30_000, interval: 100 }).toBeLessThan(first);
    await page.getByTestId("queue-turn").waitFor({ timeout: 30_000 });
    const quantity = page.getByLabel(`Quantity for ${TICKET_TYPE}`);
    expect(await quantity.isEnabled()).toBe(true);
    await screenshot(page, "event-queue-admitted");

    await quantity.fill("1");
    await page.getByRole("button", { name: "Buy", exact: true }).click();
    await page.waitForURL(/\/paymentv2\/vpcpay\.html/);
    const orders = await apiCall("GET", "/api/orders", { token: buyer.token });
    expect(orders.json.items).toHaveLength(1);
    const order = orders.json.items[0];
    expect(order).toMatchObject({ eventId: event.id, status: "pending_payment" });

    // Back on the order page (this tab remembers the payment link).
    await page.goto(`${web}/orders/${order.id}`);
    await page.getByTestId("order-status").getByText("Waiting for payment").waitFor();
    await page.getByRole("link", { name: "Complete payment" }).waitFor();
    await screenshot(page, "order-after-queue");

    // The organizer sees everyone admitted (AHEAD + the browser buyer) once the line is through.
    await expect
      .poll(async () => (await apiCall("GET", `/api/events/${event.id}/queue`, { token: org })).json.admittedTotal, { timeout: 20_000 })
      .toBe(AHEAD + 1);
    expect(pageErrors).toEqual([]);
  }, 150_000);

  it("falls back to polling when the socket is refused, and a refused pass sends the buyer back to the queue", async () => {
    const login = await apiCall("POST", "/api/auth/login", { body: ORGANIZER });
    const org = login.json.accessToken as string;
    const day = new Date(Date.now() + 31 * 86_400_000).toISOString().slice(0, 10);
    const event = (await apiCall("POST", "/api/events", { token: org, body: { title: `Queue poll ${Date.now()}`, venue: "Nhà hát Lớn", startsAt: `${day}T12:00:00.000Z`, endsAt: `${day}T15:00:00.000Z` } })).json.event;
    await apiCall("POST", `/api/events/${event.id}/ticket-types`, { token: org, body: { name: TICKET_TYPE, priceVnd: 250_000, quantity: 40, maxPerOrder: 2 } });
    await apiCall("POST", `/api/events/${event.id}/publish`, { token: org });
    expect((await apiCall("PATCH", `/api/events/${event.id}`, { token: org, body: { queue: { enabled: true, admitPerMinute: RATE } } })).status).toBe(200);

    const buyer = await registerBuyer("polling");
    const ahead = await registerBuyer("polling-ahead");
    const page = await newPage();
    // The WebSocket cannot connect (a proxy or network that drops it): polling GET …/queue/me takes over.
    await page.routeWebSocket(/\/queue\/ws/, (ws) => ws.close());
    await signIn(page, web, buyer);
    await page.goto(`${web}/events/${event.id}`);
    await apiCall("POST", `/api/events/${event.id}/queue`, { token: ahead.token });
    await page.getByRole("button", { name: "Join the queue" }).click();
    await page.getByText("Your place is checked every few seconds.").waitFor({ timeout: 10_000 });
    await page.getByTestId("queue-turn").waitFor({ timeout: 30_000 });

    // The pass is refused at checkout (here: replaced by a forged one): back to the queue panel.
    await page.evaluate((id) => {
      const key = `edge-tickets.queue-pass.${id}`;
      const saved = JSON.parse(sessionStorage.getItem(key) ?? "{}");
      sessionStorage.setItem(key, JSON.stringify({ ...saved, pass: "forged.pass" }));
    }, event.id);
    await page.reload();
    await page.getByTestId("queue-turn").waitFor();
    await page.getByLabel(`Quantity for ${TICKET_TYPE}`).fill("1");
    await page.getByRole("button", { name: "Buy", exact: true }).click();
    await page.getByText("This sale has a waiting room. Join the queue first.").waitFor();
    await page.getByRole("button", { name: "Join the queue" }).waitFor();
    expect((await apiCall("GET", "/api/orders", { token: buyer.token })).json.items).toHaveLength(0);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
