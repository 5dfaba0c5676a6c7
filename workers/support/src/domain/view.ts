import type { MessageRow, TicketRow } from "../db/schema";
import type { MessageView, TicketSummary, TicketView } from "../schemas";

const iso = (ms: number) => new Date(ms).toISOString();

export function ticketSummary(row: TicketRow): TicketSummary {
  return {
    id: row.id,
    subject: row.subject,
    status: row.status,
    ...(row.orderId ? { orderId: row.orderId } : {}),
    ...(row.eventId ? { eventId: row.eventId } : {}),
    authorId: row.authorId,
    createdAt: iso(row.createdAt),
    lastActivityAt: iso(row.lastActivityAt),
  };
}

export function messageView(row: MessageRow): MessageView {
  return { id: row.id, authorId: row.authorId, authorRole: row.authorRole, message: row.body, createdAt: iso(row.createdAt) };
}

export const ticketView = (row: TicketRow, messages: MessageRow[]): TicketView => ({ ...ticketSummary(row), messages: messages.map(messageView) });

/** A short, single-line preview of a message for notifications. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
