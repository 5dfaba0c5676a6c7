import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { errorResponses, jsonResponse, listOf, type ServiceApp, type ServiceBindings } from "./app";
import { ApiError, errors } from "./errors";
import { requireRole } from "./identity";

/**
 * dead_letters with the replay columns (migrations `NNNN_dead_letter_replay.sql` of the workers
 * that own a DLQ). The parking insert (consumer.ts) keeps using the base table of outbox.ts, so
 * it also works in a worker without these columns.
 */
export const replayableDeadLetters = sqliteTable("dead_letters", {
  id: text("id").primaryKey(),
  queue: text("queue").notNull(),
  body: text("body").notNull(),
  receivedAt: integer("received_at").notNull(),
  replayedAt: integer("replayed_at"),
  replays: integer("replays").notNull().default(0),
});

/**
 * Operator access to a worker's dead letters (rows its DLQ consumer parked, see consumer.ts):
 * list them, and replay one or all, i.e. send the parked body back to the inbox it failed in and
 * mark the row replayed. Consumers are idempotent (processed_events by envelope id), so a replay
 * of a message that was in fact handled, or a second replay, changes nothing. Admin only.
 * `npm run dlq` (scripts/dlq.mjs) drives these routes.
 */

export const DeadLetterSchema = z
  .object({
    id: z.string(),
    queue: z.string().openapi({ example: "orders-dlq" }),
    body: z.unknown().openapi({ description: "The parked message: a saga envelope, or whatever malformed body failed" }),
    receivedAt: z.string(),
    replayedAt: z.string().nullable().openapi({ description: "When it was last sent back to its inbox (null: never)" }),
    replays: z.number().int(),
  })
  .openapi("DeadLetter");

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  /** Default: only the rows still waiting for an operator. */
  replayed: z.enum(["include", "exclude"]).default("exclude").openapi({ description: "include: also rows already replayed" }),
});
const ReplayBody = z
  .object({ ids: z.array(z.string().min(1).max(200)).min(1).max(100).optional(), all: z.literal(true).optional() })
  .refine((b) => !!b.ids !== !!b.all, { message: "Send either ids or all: true" })
  .openapi("DeadLetterReplay");
const ReplayResult = z.object({ replayed: z.array(z.string()), notFound: z.array(z.string()) }).openapi("DeadLetterReplayResult");

type Row = typeof replayableDeadLetters.$inferSelect;
const parseJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};
const view = (r: Row) => ({
  id: r.id,
  queue: r.queue,
  body: parseJson(r.body),
  receivedAt: new Date(r.receivedAt).toISOString(),
  replayedAt: r.replayedAt === null ? null : new Date(r.replayedAt).toISOString(),
  replays: r.replays,
});

function parseCursor(cursor: string | undefined) {
  if (!cursor) return null;
  const m = /^(\d+)\.(.+)$/.exec(cursor);
  if (!m) throw errors.invalidRequest("cursor is not one this endpoint gave out");
  return { at: Number(m[1]), id: m[2] };
}

export async function listDeadLetters(d1: D1Database, q: z.infer<typeof ListQuery>) {
  const after = parseCursor(q.cursor);
  const rows = await drizzle(d1)
    .select()
    .from(replayableDeadLetters)
    .where(
      and(
        q.replayed === "exclude" ? isNull(replayableDeadLetters.replayedAt) : undefined,
        after ? or(lt(replayableDeadLetters.receivedAt, after.at), and(eq(replayableDeadLetters.receivedAt, after.at), lt(replayableDeadLetters.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(replayableDeadLetters.receivedAt), desc(replayableDeadLetters.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page.map(view), nextCursor: rows.length > q.limit && last ? `${last.receivedAt}.${last.id}` : null };
}

const REPLAY_ALL_LIMIT = 100;

/** Sends the parked bodies back to `inbox` (send first, then mark: a crash between costs one harmless extra copy). */
export async function replayDeadLetters(d1: D1Database, inbox: Queue, want: { ids?: string[]; all?: boolean }, now = Date.now()) {
  const db = drizzle(d1);
  const rows = want.all
    ? await db.select().from(replayableDeadLetters).where(isNull(replayableDeadLetters.replayedAt)).orderBy(replayableDeadLetters.receivedAt).limit(REPLAY_ALL_LIMIT)
    : await db.select().from(replayableDeadLetters).where(inArray(replayableDeadLetters.id, want.ids!));
  if (rows.length > 0) {
    await inbox.sendBatch(rows.map((r) => ({ body: parseJson(r.body), contentType: "json" as const })));
    await db
      .update(replayableDeadLetters)
      .set({ replayedAt: now, replays: sql`${replayableDeadLetters.replays} + 1` })
      .where(inArray(replayableDeadLetters.id, rows.map((r) => r.id)));
  }
  const found = new Set(rows.map((r) => r.id));
  return { replayed: rows.map((r) => r.id), notFound: (want.ids ?? []).filter((id) => !found.has(id)) };
}

type DlqBindings = ServiceBindings & { DB: D1Database };

/**
 * GET `${prefix}/admin/dead-letters` and POST `${prefix}/admin/dead-letters/replay` on a worker
 * whose DLQ consumer parks messages; `inbox` is the queue binding the messages failed in.
 * `name` makes the operation ids unique (listOrderDeadLetters, replayOrderDeadLetters, …).
 */
export function mountDeadLetterRoutes<B extends DlqBindings>(app: ServiceApp<B>, opts: { prefix: string; name: string; tag: string; inbox: (env: B) => Queue }) {
  const path = `${opts.prefix}/admin/dead-letters`;
  const security = [{ bearer: [] }];
  const listRoute = createRoute({
    method: "get",
    path,
    operationId: `list${opts.name}DeadLetters`,
    tags: [opts.tag],
    security,
    summary: `Messages the ${opts.tag} inbox consumer gave up on after its retries (admin)`,
    description:
      "Admins only (401 without a token, 403 otherwise). Newest first; by default only those not replayed yet (`replayed=include` lists all). `npm run dlq -- list <queue>` reads this.",
    request: { query: ListQuery },
    responses: { 200: jsonResponse(listOf(DeadLetterSchema)), ...errorResponses(400, 401, 403) },
  });
  const replayRoute = createRoute({
    method: "post",
    path: `${path}/replay`,
    operationId: `replay${opts.name}DeadLetters`,
    tags: [opts.tag],
    security,
    summary: `Send parked messages back to the ${opts.tag} inbox (admin)`,
    description:
      "Admins only. `{ids:[…]}` or `{all:true}` (up to 100 not yet replayed, oldest first). Each body goes back to the queue it failed in and its row is marked replayed; consumers are idempotent, so replaying twice changes nothing. Ids not parked here come back in notFound.",
    request: { body: { content: { "application/json": { schema: ReplayBody } }, required: true } },
    responses: { 200: jsonResponse(ReplayResult), ...errorResponses(400, 401, 403) },
  });

  app.use(`${path}/*`, async (c, next) => {
    requireRole(c.get("identity"), "admin");
    await next();
  });
  app.use(path, async (c, next) => {
    requireRole(c.get("identity"), "admin");
    await next();
  });
  app.openapi(listRoute, async (c) => c.json(await listDeadLetters(c.env.DB, c.req.valid("query")), 200));
  app.openapi(replayRoute, async (c) => {
    const inbox = opts.inbox(c.env);
    if (!inbox) throw new ApiError(503, "dependency_unavailable", "This worker has no binding to its inbox");
    return c.json(await replayDeadLetters(c.env.DB, inbox, c.req.valid("json")), 200);
  });
}
