import { z } from "zod";
import { errorResponse } from "@tickets/common";

const WORKERS = ["auth", "events", "orders", "payments", "tickets", "refunds", "notifications", "reports", "support"] as const;
type Bound = { scheduled(options: { cron: string; scheduledTime: Date }): Promise<{ outcome: string; noRetry: boolean }> };
const INBOXES = ["orders-inbox", "tickets-inbox", "notifications-inbox", "refunds-inbox", "reports-inbox"] as const;
type InboxBinding = "ORDERS_INBOX" | "TICKETS_INBOX" | "NOTIFICATIONS_INBOX" | "REFUNDS_INBOX" | "REPORTS_INBOX";
type Env = Record<Uppercase<(typeof WORKERS)[number]>, Bound> & Record<InboxBinding, Queue>;

/** Any JSON body, on purpose: a fault test sends what no producer would (a poison message). */
const queueSchema = z.object({ queue: z.enum(INBOXES), body: z.unknown().refine((b) => b !== undefined, "body is required") });

const runSchema = z.object({
  worker: z.enum(WORKERS),
  cron: z.string().min(9).max(100),
  /** Run as if at this time (a daily job's "yesterday" then is that time's yesterday); default now. */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

/**
 * POST /__dev/cron {worker, cron, scheduledTime?}: runs that worker's scheduled() handler now.
 * POST /__dev/queue {queue, body}: puts `body` on that inbox as-is (202).
 */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/__dev/queue") {
      const parsed = queueSchema.safeParse(await request.json().catch(() => null));
      if (!parsed.success) return errorResponse(400, "invalid_request", "Body must be {queue, body}", parsed.error.issues);
      const binding = parsed.data.queue.replace("-inbox", "").toUpperCase().concat("_INBOX") as InboxBinding;
      await env[binding].send(parsed.data.body, { contentType: "json" });
      return Response.json({ queue: parsed.data.queue, sent: 1 }, { status: 202 });
    }
    if (request.method !== "POST" || url.pathname !== "/__dev/cron") return errorResponse(404, "not_found", "No such route");
    const parsed = runSchema.safeParse(await request.json().catch(() => null));
    if (!parsed.success) return errorResponse(400, "invalid_request", "Body must be {worker, cron, scheduledTime?}", parsed.error.issues);
    const { worker, cron, scheduledTime } = parsed.data;
    const result = await env[worker.toUpperCase() as Uppercase<(typeof WORKERS)[number]>].scheduled({ cron, scheduledTime: scheduledTime ? new Date(scheduledTime) : new Date() });
    return Response.json({ worker, cron, ...result });
  },
} satisfies ExportedHandler<Env>;
