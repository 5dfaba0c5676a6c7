import { z } from "zod";
import { errorResponse } from "@tickets/common";

const WORKERS = ["auth", "events", "orders", "payments", "tickets", "refunds", "notifications", "reports", "support"] as const;
type Bound = { scheduled(options: { cron: string; scheduledTime: Date }): Promise<{ outcome: string; noRetry: boolean }> };
type Env = Record<Uppercase<(typeof WORKERS)[number]>, Bound>;

const runSchema = z.object({
  worker: z.enum(WORKERS),
  cron: z.string().min(9).max(100),
  /** Run as if at this time (a daily job's "yesterday" then is that time's yesterday); default now. */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

/** POST /__dev/cron {worker, cron, scheduledTime?}: runs that worker's scheduled() handler now. */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/__dev/cron") return errorResponse(404, "not_found", "No such route");
    const parsed = runSchema.safeParse(await request.json().catch(() => null));
    if (!parsed.success) return errorResponse(400, "invalid_request", "Body must be {worker, cron, scheduledTime?}", parsed.error.issues);
    const { worker, cron, scheduledTime } = parsed.data;
    const result = await env[worker.toUpperCase() as keyof Env].scheduled({ cron, scheduledTime: scheduledTime ? new Date(scheduledTime) : new Date() });
    return Response.json({ worker, cron, ...result });
  },
} satisfies ExportedHandler<Env>;
