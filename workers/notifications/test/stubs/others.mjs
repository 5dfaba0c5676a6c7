// Stand-ins for the auth, events, orders and tickets workers in the notifications worker's
// workerd tests (the real ones are exercised end to end). Answers are read off the ids:
//   user "user-en-…" prefers English, "user-vi-…" Vietnamese; "-phone" in the id adds a phone;
//   "unknown-…" is no user; "authdown-…" makes auth fail.
//   order "ord.<buyerId>" belongs to <buyerId> (GET order), "missing-…" does not exist.
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
    return {
      id: eventId,
      title: "Đêm nhạc Trịnh",
      venue: "Nhà hát Lớn",
      city: "Hà Nội",
      startsAt: "2026-12-12T13:00:00.000Z",
      endsAt: "2026-12-12T16:00:00.000Z",
      status: "published",
      organizerId: "org-1",
    };
  }
}

export class OrdersRpc extends WorkerEntrypoint {
  async getOrder(orderId) {
    if (!orderId.startsWith("ord.")) return null;
    const buyerId = orderId.slice(4);
    return {
      id: orderId,
      eventId: "evt-1",
      buyerId,
      buyerEmail: `${buyerId}@example.test`,
      status: "confirmed",
      totalVnd: 1_200_000,
      items: [{ ticketTypeId: "tt-vip", quantity: 2, name: "VIP", unitPriceVnd: 600_000 }],
      holdExpiresAt: "2026-12-01T00:00:00.000Z",
      createdAt: "2026-12-01T00:00:00.000Z",
    };
  }
}

export class TicketsRpc extends WorkerEntrypoint {
  // Two holders of one event starting one hour into the asked window.
  async holdersForEventsStartingBetween(fromIso) {
    const startsAt = new Date(Date.parse(fromIso) + 3600_000).toISOString();
    return [
      {
        eventId: "evt-reminder",
        title: "Đêm nhạc Trịnh",
        venue: "Nhà hát Lớn",
        startsAt,
        holders: [
          { buyerId: "user-vi-holder1", buyerEmail: "user-vi-holder1@example.test", tickets: 2 },
          { buyerId: "user-en-holder2", buyerEmail: null, tickets: 1 },
        ],
      },
    ];
  }
}

export default { fetch: () => new Response("stub") };
