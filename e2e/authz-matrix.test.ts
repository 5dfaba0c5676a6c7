import { beforeAll, describe, expect, it } from "vitest";
import { EXPECTED, ruleFor, type Outcome, type RequestParts } from "./authz/expected";
import { ROLES, buildWorld, type Role, type World } from "./authz/fixtures";
import { defaultParam, sendAs } from "./authz/send";
import { loadOperations, minimalValue, writeReliabilityCounts, type Operation } from "./openapi-ops";

// Every operation of the merged OpenAPI document × every kind of caller, against the table in
// e2e/authz/expected.ts. Denials must be the exact code (in the error format); allowed calls may
// answer 2xx or a business error, never 401/403/404 and never 5xx.

const verdict = (expected: Outcome, status: number, json: any): string | null => {
  if (status >= 500) return `${status} (server error)`;
  if (expected === "ok") return [401, 403, 404].includes(status) ? `${status} ${json?.error?.code ?? ""} (expected to be let through)` : null;
  if (status !== expected) return `${status} (expected ${expected})`;
  if (typeof json?.error?.code !== "string" || typeof json?.error?.message !== "string") return `${status} without the error format`;
  return null;
};

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: size }, async () => {
    while (queue.length) await fn(queue.shift()!);
  }));
}

describe("authorization matrix (every route × every role, from the OpenAPI document)", () => {
  let ops: Operation[];
  let world: World;
  beforeAll(async () => {
    [ops, world] = await Promise.all([loadOperations(), buildWorld()]);
  }, 120_000);

  it("has a rule for every operation the document publishes", () => {
    const missing = ops.filter((op) => !ruleFor(op));
    expect(missing.map((op) => `add a rule for ${op.operationId} (${op.method} ${op.path}) in e2e/authz/expected.ts`)).toEqual([]);
    const stale = Object.keys(EXPECTED).filter((key) => !ops.some((op) => op.operationId === key || `${op.method} ${op.path}` === key));
    if (stale.length) console.warn(`rules for operations the document no longer has: ${stale.join(", ")}`);
  });

  it("answers each role as the table says", async () => {
    const mismatches: string[] = [];
    const seen: Record<string, Partial<Record<Role, string>>> = {};
    let cells = 0;
    const covered = ops.filter((op) => ruleFor(op));
    await pool(covered, 6, async (op) => {
      const rule = ruleFor(op)!;
      const check = async (role: Role) => {
        const parts = (await rule.request?.(world, role)) ?? {};
        const res = await sendAs(op, role, parts, world);
        cells++;
        (seen[op.operationId] ??= {})[role] = res.status < 400 ? `${res.status}` : `${res.status} ${res.json?.error?.code ?? ""}`;
        const problem = verdict(rule.expect[role], res.status, res.json);
        if (problem) mismatches.push(`${op.operationId} (${op.method} ${op.path}) as ${role}: ${problem} ${res.status >= 400 ? res.text.slice(0, 160) : ""}`);
      };
      // Denials first and together; then the allowed callers one by one, since some of these calls change what they touch.
      await Promise.all(ROLES.filter((r) => rule.expect[r] !== "ok").map(check));
      for (const role of ROLES.filter((r) => rule.expect[r] === "ok")) await check(role);
    });
    // AUTHZ_VERBOSE=1: every status seen, to read when writing a rule.
    if (process.env.AUTHZ_VERBOSE) console.table(seen);
    console.log(`authorization matrix: ${covered.length} routes × ${ROLES.length} roles = ${cells} calls checked, ${mismatches.length} mismatches`);
    writeReliabilityCounts("authz", { routes: covered.length, roles: ROLES.length, checked: cells, mismatches: mismatches.length, uncovered: ops.length - covered.length });
    expect(mismatches).toEqual([]);
    expect(cells).toBe(covered.length * ROLES.length);
  }, 120_000);

  it("answers someone else's resources, and drafts, exactly like missing ones (no existence oracle)", async () => {
    const MISSING = "01JZZMISSING0000000000000X";
    const oracles: string[] = [];
    let compared = 0;
    /** The request with every id in `map` swapped, in the path and in the body. */
    const swapped = (op: Operation, parts: RequestParts, map: Map<string, string>): RequestParts => {
      const params = Object.fromEntries(op.pathParams.map((name) => [name, parts.params?.[name] ?? defaultParam(op, name, world)!]));
      const swap = (text: string) => [...map].reduce((t, [from, to]) => t.split(from).join(to), text);
      const body = "body" in parts ? parts.body : op.bodySchema ? minimalValue(op.bodySchema) : undefined;
      return {
        ...parts,
        params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, swap(v)])),
        ...(body === undefined ? {} : { body: JSON.parse(swap(JSON.stringify(body))) }),
      };
    };
    const answer = async (op: Operation, role: Role, parts: RequestParts) => {
      const res = await sendAs(op, role, parts, world);
      return `${res.status} ${res.json?.error?.code ?? ""}`.trim();
    };
    const eventIds = () => new Map([[world.sale.eventId, world.draft.eventId], [world.eventToCancel, world.draft.eventId], [world.sale.ticketTypeId, world.draft.ticketTypeId]]);
    await pool(ops.filter((op) => ruleFor(op)), 6, async (op) => {
      const rule = ruleFor(op)!;
      for (const role of ["buyer", "otherBuyer", "otherOrganizer", "staff"] as const) {
        const parts = (await rule.request?.(world, role)) ?? {};
        const asSent = swapped(op, parts, new Map());
        const ids = [...Object.values(asSent.params ?? {}), world.sale.eventId, world.sale.ticketTypeId].filter((id) => id && id !== world.reportDate);
        const missing = swapped(op, parts, new Map(ids.map((id) => [id, MISSING])));
        const mentionsEvent = [...eventIds().keys()].some((id) => JSON.stringify(asSent).includes(id));
        const variants: Array<[string, RequestParts]> = [];
        // Where the table hides a resource from a role (404), its error must be a missing one's, code included
        // (where it says 403, the role may know the resource exists: a published event, a ticket staff can read).
        if (op.pathParams.length && rule.expect[role] === 404) variants.push(["someone else's", asSent]);
        // The draft is `organizer`'s: to buyers and the other organizer it must not exist (staff were granted on it).
        if (mentionsEvent && role !== "staff") variants.push(["a draft", swapped(op, parts, eventIds())]);
        if (!variants.length) continue;
        const expected = await answer(op, role, missing);
        for (const [label, variant] of variants) {
          compared++;
          const got = await answer(op, role, variant);
          if (got !== expected) oracles.push(`${op.operationId} as ${role}: ${label} resource → ${got}, a missing one → ${expected}`);
        }
      }
    });
    console.log(`existence oracle: ${compared} answers compared with a missing resource's, ${oracles.length} differ`);
    expect(oracles).toEqual([]);
  }, 120_000);
});
