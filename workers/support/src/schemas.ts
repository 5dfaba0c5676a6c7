import { z } from "@hono/zod-openapi";
import { paginationQuery } from "@tickets/common";
import { MESSAGE_ROLES, TICKET_STATUSES } from "./db/schema";

export const SUBJECT_MAX = 200;
export const MESSAGE_MAX = 5_000;

const id = z.string().min(1).max(64);
// Measured after trimming; stored as written (never sanitised: every renderer escapes it).
const messageText = z.string().trim().min(1).max(MESSAGE_MAX).openapi({ description: `1–${MESSAGE_MAX} characters after trimming` });
const ticketStatus = z.enum(TICKET_STATUSES);

export const CreateTicketBody = z
  .object({
    subject: z.string().trim().min(1).max(SUBJECT_MAX).openapi({ description: `1–${SUBJECT_MAX} characters after trimming` }),
    message: messageText,
    orderId: id.optional().openapi({ description: "An order of yours (its event is linked too)" }),
    eventId: id.optional().openapi({ description: "The event the question is about" }),
  })
  .openapi("CreateSupportTicket");

export const PostMessageBody = z
  .object({
    message: messageText,
    status: ticketStatus.optional().openapi({
      description: "Organizer of the event or admin only: the status after this reply (default: pending for their replies, open for the author's)",
    }),
  })
  .openapi("PostSupportMessage");

export const PatchTicketBody = z.object({ status: ticketStatus }).openapi("PatchSupportTicket");

export const TicketIdParams = z.object({ id: id.openapi({ param: { name: "id", in: "path" } }) });

export const ListTicketsQuery = paginationQuery.extend({
  status: ticketStatus.optional(),
  eventId: id.optional(),
});

export const MessageSchema = z
  .object({
    id: z.string(),
    authorId: z.string(),
    authorRole: z.enum(MESSAGE_ROLES).optional().openapi({ description: "What the writer was to this ticket" }),
    message: z.string().openapi({ description: "As written (plain text; escape before rendering as HTML)" }),
    createdAt: z.string(),
  })
  .openapi("SupportMessage");

export const TicketSummarySchema = z
  .object({
    id: z.string(),
    subject: z.string(),
    status: ticketStatus,
    orderId: z.string().optional(),
    eventId: z.string().optional(),
    authorId: z.string(),
    createdAt: z.string(),
    lastActivityAt: z.string(),
  })
  .openapi("SupportTicketSummary");

export const TicketSchema = TicketSummarySchema.extend({ messages: z.array(MessageSchema) }).openapi("SupportTicket");

export type CreateTicketInput = z.infer<typeof CreateTicketBody>;
export type TicketSummary = z.infer<typeof TicketSummarySchema>;
export type TicketView = z.infer<typeof TicketSchema>;
export type MessageView = z.infer<typeof MessageSchema>;
