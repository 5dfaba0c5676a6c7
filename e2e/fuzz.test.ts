import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { Client, eventually } from "./client";
import { ruleFor } from "./authz/expected";
import { ROLES, buildWorld, type Role, type World } from "./authz/fixtures";
import { sendAs } from "./authz/send";
import { bodyArbitrary } from "./fuzz/bodies";
import { loadOperations, minimalValue, writeReliabilityCounts, type Operation } from "./openapi-ops";

// Every operation of the OpenAPI document that takes a JSON body, fed arbitrary and near-valid
// bodies derived from its schema (fast-check), as callers allowed to use it (e2e/authz/expected.ts).
// Never a 5xx; every 4xx in the error format; a rejected body changes nothing (read back through
// the public API where a read shows what the operation writes).

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** What each operation writes, read back through the API, to prove a rejected body wrote nothing. */
type Probe = (w: World, client: Client) => Promise<unknown>;
const json = async (res: Promise<{ status: number; json: any }>) => {
  const r = await res;
  if (r.status !== 200) throw new Error(`probe read answered ${r.status}`);
  return r.json;
};
const eventOf = (w: World, id = w.sale.eventId) => json(w.clients.admin.get(`/api/events/${id}`)).then((j) => j.event);
const PROBES: Record<string, Probe> = {
  createEvent: (_w, c) => json(c.get("/api/events?mine=true&limit=100")).then((j) => j.items.length),
  updateEvent: (w) => eventOf(w).then(({ title, description, venue, city, startsAt, endsAt, categoryId, refundPolicy }) => ({ title, description, venue, city, startsAt, endsAt, categoryId, refundPolicy })),
  addTicketType: (w) => eventOf(w).then((e) => e.ticketTypes.length),
  updateTicketType: (w) =>
    eventOf(w).then((e) => {
      const { name, priceVnd, quantity, maxPerOrder, salesStartAt, salesEndAt } = e.ticketTypes.find((t: { id: string }) => t.id === w.sale.ticketTypeId);
      return { name, priceVnd, quantity, maxPerOrder, salesStartAt, salesEndAt };
    }),
  grantEventStaff: (w) => json(w.clients.admin.get(`/api/events/${w.sale.eventId}/staff?limit=100`)).then((j) => j.items.length),
  cancelEvent: (w) => eventOf(w, w.eventToCancel).then((e) => e.status),
  createOrder: (_w, c) => json(c.get("/api/orders?limit=100")).then((j) => j.items.length),
  // The order moves on by itself once a refund is accepted (refund_pending, refunded): only whether one started counts.
  requestRefund: (w) => json(w.clients.admin.get(`/api/orders/${w.refundableOrder}`)).then((j) => (j.order.status === "confirmed" ? "no refund" : "refund started")),
  checkInTicket: (w) => json(w.clients.admin.get(`/api/checkin/events/${w.sale.eventId}/stats`)),
  syncOfflineCheckins: (w) => json(w.clients.admin.get(`/api/checkin/events/${w.sale.eventId}/stats`)),
  createSupportTicket: (_w, c) => json(c.get("/api/support/tickets?limit=100")).then((j) => j.items.length),
  replyToSupportTicket: (w) => json(w.clients.admin.get(`/api/support/tickets/${w.supportTicket}`)).then((j) => j.ticket.messages.length),
  updateSupportTicketStatus: (w) => json(w.clients.admin.get(`/api/support/tickets/${w.supportTicket}`)).then((j) => j.ticket.status),
};

const isErrorFormat = (body: any) => typeof body?.error?.code === "string" && typeof body?.error?.message === "string" && /^[a-z][a-z0-9_]*$/.test(body.error.code);

describe(`fuzzing every JSON body from its schema (${RUNS} inputs per route, seed ${SEED})`, () => {
  let ops: Operation[];
  let world: World;
  beforeAll(async () => {
    [ops, world] = await Promise.all([loadOperations(), buildWorld()]);
  }, 120_000);

  it("never answers 5xx, always answers errors in the contract's format, and writes nothing on a rejection", async () => {
    const withBody = ops.filter((op) => op.bodySchema);
    expect(withBody.length).toBeGreaterThan(10);
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    const counts = { routes: withBody.length, tried: 0, rejected: 0, rejectedCleanly: 0, accepted: 0, serverErrors: 0, probed: 0 };
    // One route at a time: the probes read shared fixtures that other routes' inputs could change.
    for (const [index, op] of withBody.entries()) {
      const rule = ruleFor(op);
      if (!rule) throw new Error(`add a rule for ${op.operationId} in e2e/authz/expected.ts (the fuzzer calls it as the roles allowed there)`);
      const callers = ROLES.filter((r) => rule.expect[r] === "ok");
      const valid = await rule.request?.(world, callers[0]);
      const validBody = valid && "body" in valid ? valid.body : minimalValue(op.bodySchema);
      const inputs = fc.sample(bodyArbitrary(op.bodySchema, validBody), { numRuns: RUNS, seed: SEED + index });
      for (const [i, input] of inputs.entries()) {
        const role: Role = callers[i % callers.length];
        // Anonymous inputs come from a new address each time (the auth routes are limited per address).
        const client = role === "anonymous" ? new Client() : world.clients[role];
        const parts = { ...((await rule.request?.(world, role)) ?? {}) };
        const probe = PROBES[op.operationId];
        const before = probe ? await probe(world, client) : undefined;
        const res = await sendAs(op, role, { ...parts, body: input.body, raw: input.raw }, world, client, op.path.startsWith("/api/auth/") ? 0 : 4);
        counts.tried++;
        const key = res.status < 400 ? String(res.status) : `${res.status} ${res.json?.error?.code ?? "?"}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
        const shown = `${op.operationId} as ${role}, ${input.kind} ${(input.raw ?? JSON.stringify(input.body) ?? "").slice(0, 200)}`;
        if (res.status >= 500) {
          counts.serverErrors++;
          failures.push(`${shown} → ${res.status} ${res.text.slice(0, 200)}`);
        } else if (res.status >= 400) {
          counts.rejected++;
          if (!isErrorFormat(res.json)) {
            failures.push(`${shown} → ${res.status} not in the error format: ${res.text.slice(0, 200)}`);
            continue;
          }
          if (probe && res.status !== 429) {
            counts.probed++;
            const after = await probe(world, client);
            if (JSON.stringify(after) !== JSON.stringify(before)) {
              failures.push(`${shown} → ${res.status} ${res.json.error.code} yet changed ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
              continue;
            }
          }
          counts.rejectedCleanly++;
        } else {
          counts.accepted++;
          // An accepted refund shows on the order a moment later (saga): wait, so the next input's "before" sees it.
          if (op.operationId === "requestRefund" && res.status === 202) await eventually(async () => (await probe!(world, client)) === "refund started", 10_000);
        }
      }
    }
    console.log(
      `fuzzing: ${counts.routes} routes, ${counts.tried} inputs (seed ${SEED}): ${counts.rejected} rejected (${counts.rejectedCleanly} cleanly, ${counts.probed} read back), ${counts.accepted} accepted, ${counts.serverErrors} server errors`,
    );
    console.log(`answers: ${Object.entries(statuses).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(", ")}`);
    writeReliabilityCounts("fuzz", { ...counts, seed: SEED, failures: failures.length });
    expect(failures, `seed ${SEED} (FUZZ_SEED=${SEED} replays it)`).toEqual([]);
  }, 240_000);
});
