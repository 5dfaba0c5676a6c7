// Stand-in for the events worker in the tickets worker's workerd tests (the real one is
// exercised end to end). Access and schedule are read off the ids so tests can pick them:
//   user "org-<eventId>" organizes <eventId>, user "staff-<eventId>" is its staff;
//   an event id starting with "missing" does not exist; "…-in<N>h…" starts N hours from now.
import { WorkerEntrypoint } from "cloudflare:workers";

export class EventsRpc extends WorkerEntrypoint {
  async getEventAccess(eventId, userId) {
    const exists = !eventId.startsWith("missing");
    return {
      exists,
      published: exists && !eventId.startsWith("draft"),
      organizerId: exists ? `org-${eventId}` : null,
      isOrganizer: exists && userId === `org-${eventId}`,
      isStaff: exists && userId === `staff-${eventId}`,
    };
  }

  async getEventSummary(eventId) {
    if (eventId.startsWith("missing")) return null;
    const hours = Number(/-in(\d+)h/.exec(eventId)?.[1] ?? 240);
    const startsAt = new Date(Date.now() + hours * 3600_000);
    return {
      id: eventId,
      title: `Concert ${eventId}`,
      venue: "Nhà hát Lớn",
      city: "Hà Nội",
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * 3600_000).toISOString(),
      status: "published",
      organizerId: `org-${eventId}`,
      refundPolicy: { fullRefundUntilHours: 72, partialRefundUntilHours: 24, partialRefundPercent: 50 },
    };
  }
}

export default { fetch: () => new Response("events stub") };
