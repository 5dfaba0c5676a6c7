import { describe, expect, it } from "vitest";
import { Client, eventually, uniqueEmail } from "./client";

// The waiting room on the booted stack: gateway → events (WaitingRoom object, WebSocket) and
// orders (Queue-Pass checked locally, enforced by the inventory object's snapshot).

const DAY = 86_400_000;
const at = (days: number, hours = 0) => new Date(Date.now() + days * DAY + hours * 3_600_000).toISOString();

async function registered(role: "buyer" | "organizer") {
  const client = new Client();
  const res = await client.post("/api/auth/register", { email: uniqueEmail(`queue-${role}`), password: "queue-e2e-password", name: `Queue ${role}`, role });
  expect(res.status).toBe(201);
  client.token = res.json.accessToken;
  return { client, user: res.json.user as { id: string } };
}

const buy = (client: Client, eventId: string, ticketTypeId: string, pass?: string) =>
  client.post("/api/orders", { eventId, items: [{ ticketTypeId, quantity: 1 }] }, {
    "idempotency-key": `queue-e2e-${Math.random().toString(36).slice(2)}`,
    ...(pass ? { "queue-pass": pass } : {}),
  });

describe("the waiting room through the gateway", () => {
  it("queues buyers, pushes the falling position over the WebSocket as polling tells it, admits at the rate, and checkout needs the buyer's own pass", async () => {
    const { client: org } = await registered("organizer");
    const event = (await org.post("/api/events", { title: "Queue gala", venue: "Nhà hát Lớn", startsAt: at(20), endsAt: at(20, 3) })).json.event;
    const tt = (await org.post(`/api/events/${event.id}/ticket-types`, { name: "Standard", priceVnd: 300_000, quantity: 50, maxPerOrder: 2 })).json.ticketType;
    expect((await org.post(`/api/events/${event.id}/publish`)).status).toBe(200);
    const on = await org.patch(`/api/events/${event.id}`, { queue: { enabled: true, admitPerMinute: 30 } });
    expect(on.json.event.queue).toMatchObject({ enabled: true, admitPerMinute: 30, active: true });

    const [{ client: first }, { client: second }] = await Promise.all([registered("buyer"), registered("buyer")]);
    const joinedFirst = await first.post(`/api/events/${event.id}/queue`);
    expect(joinedFirst.status).toBe(200);
    const joinedSecond = await second.post(`/api/events/${event.id}/queue`);
    expect(joinedSecond.json).toMatchObject({ state: "waiting", position: 2 });
    expect((await second.post(`/api/events/${event.id}/queue`)).json.position).toBe(2);

    // Checkout is closed to those not admitted yet.
    const early = await buy(second, event.id, tt.id);
    expect(early.status).toBe(403);
    expect(early.json.error.code).toBe("queue_required");

    const ws = new WebSocket(`${first.baseUrl.replace(/^http/, "ws")}/api/events/${event.id}/queue/ws?token=${encodeURIComponent(joinedSecond.json.socketToken)}`);
    const pushed: any[] = [];
    ws.addEventListener("message", (e) => pushed.push(JSON.parse(String(e.data))));
    await eventually(async () => pushed.length > 0, 10_000, 50);
    const { type, ...firstPush } = pushed[0];
    expect(type).toBe("status");

    // 30 a minute: one every 2 s. The first is admitted, then the second; the socket sees its place fall to admission.
    const firstAdmitted = await eventually(async () => {
      const me = await first.get(`/api/events/${event.id}/queue/me`);
      return me.json.state === "admitted" ? me.json : null;
    }, 20_000, 200);
    expect(firstAdmitted.pass).toEqual(expect.any(String));
    const admittedPush = await eventually(async () => pushed.find((m) => m.state === "admitted"), 20_000, 100);
    ws.close();
    const polled = await second.get(`/api/events/${event.id}/queue/me`);
    expect(polled.json.pass).toBe(admittedPush.pass);
    expect([firstPush.position, ...pushed.map((m) => m.position)].some((p) => p === 1 || p === 2)).toBe(true);
    const positions = pushed.map((m) => m.position);
    expect(positions).toEqual([...positions].sort((a, b) => b - a)); // never goes up

    // Another buyer's pass does not open checkout; one's own does.
    const borrowed = await buy(second, event.id, tt.id, firstAdmitted.pass);
    expect(borrowed.json.error?.code).toBe("queue_required");
    const bought = await buy(second, event.id, tt.id, polled.json.pass);
    expect(bought.status).toBe(201);

    const stats = await org.get(`/api/events/${event.id}/queue`);
    expect(stats.json).toMatchObject({ on: true, admitPerMinute: 30, admittedTotal: 2, waiting: 0 });
  }, 60_000);
});
