// Stand-ins for the auth, events, orders and tickets workers in the notifications worker's
// workerd tests (the real ones are exercised end to end). Answers are read off the ids:
//   user "user-en-…" prefers English, "user-vi-…" Vietnamese; "-phone" in the id adds a phone;
//   "unknown-…" is no user; "authdown-…" makes auth fail.
//   order "ord.<buyerId>" belongs to <buyerId> (GET order), "missing-…" does not exist.
//   event "evt-at-<ms>-…" starts at <ms> (others at a fixed time); "-cancelled" in its id: cancelled.
//   The tickets stand-in knows the events a test registered with scheduleEvent (holders of valid tickets).
import { WorkerEntrypoint } from "cloudflare:workers";

export class AuthRpc extends WorkerEntrypoint {
  async getUser(id) {
    if (id.startsWith("unknown-")) return null;
    if (id.startsWith("authdown-")) throw new Error("auth is down");
    const en = id.startsWith("user-en-");
    return {
      id,
      email: `${id}@example.test`,
      name: en ? "Alex" : "Lan",
      roles: ["buyer"],
      locale: en ? "en" : "vi",
      phone: id.includes("-phone") ? "+84901234567" : null,
    };
  }
}

export class EventsRpc extends WorkerEntrypoint {
  async getEventSummary(eventId) {
    if (eventId.startsWith("missing")) return null;
    const at = /^evt-at-(\d+)-/.exec(eventId);
    const startsAt = at ? Number(at[1]) : Date.parse("2026-12-12T13:00:00.000Z");
    return {
      id: eventId,
      title: "Đêm nhạc Trịnh",
      venue: "Nhà hát Lớn",
      city: "Hà Nội",
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + 3 * 3600_000).toISOString(),
      status: eventId.includes("-cancelled") ? "cancelled" : "published",
      organizerId: "org-1",
    };
  }
}

export class OrdersRpc extends WorkerEntrypoint {
  /** "ord.<buyer>": a confirmed order; "pending.<buyer>": one still awaiting payment. */
  async getOrder(orderId) {
    const pending = orderId.startsWith("pending.");
    if (!orderId.startsWith("ord.") && !pending) return null;
    const buyerId = orderId.slice(orderId.indexOf(".") + 1);
    return {
      id: orderId,
      eventId: "evt-1",
      buyerId,
      buyerEmail: `${buyerId}@example.test`,
      status: pending ? "pending_payment" : "confirmed",
      totalVnd: 1_200_000,
      items: [{ ticketTypeId: "tt-vip", quantity: 2, name: "VIP", unitPriceVnd: 600_000 }],
      holdExpiresAt: "2026-12-01T00:00:00.000Z",
      createdAt: "2026-12-01T00:00:00.000Z",
    };
  }
}

const schedule = new Map();

export class TicketsRpc extends WorkerEntrypoint {
  /** Test setup: an event and the holders of its valid tickets, as the tickets worker would list them. */
  async scheduleEvent(event) {
    schedule.set(event.eventId, event);
  }

  async holdersForEventsStartingBetween(fromIso, toIso) {
    const from = Date.parse(fromIso);
    const to = Date.parse(toIso);
    return [...schedule.values()].filter((e) => Date.parse(e.startsAt) >= from && Date.parse(e.startsAt) < to);
  }
}

export default { fetch: () => new Response("stub") };
