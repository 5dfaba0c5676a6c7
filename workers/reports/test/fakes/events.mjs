// Stand-in for the events worker's EventsRpc: tests put the events it knows.
import { WorkerEntrypoint } from "cloudflare:workers";

const events = new Map();
export class EventsRpc extends WorkerEntrypoint {
  getEventSummary(eventId) {
    return events.get(eventId) ?? null;
  }
  getEventAccess(eventId, userId) {
    const e = events.get(eventId);
    if (!e) return { exists: false, organizerId: null, isOrganizer: false, isStaff: false };
    return { exists: true, organizerId: e.organizerId, isOrganizer: e.organizerId === userId, isStaff: false };
  }
  listTicketTypes(eventId) {
    return events.get(eventId)?.ticketTypes ?? [];
  }
  listOrganizerEvents(organizerId) {
    return [...events.values()].filter((e) => e.organizerId === organizerId).map((e) => ({ id: e.id, title: e.title }));
  }
  setEvent(summary) {
    events.set(summary.id, summary);
  }
}

export default { fetch: () => new Response("stand-in events") };
