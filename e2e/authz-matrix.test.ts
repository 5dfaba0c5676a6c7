import { beforeAll, describe, expect, it } from "vitest";
import { EXPECTED, ruleFor, type Outcome } from "./authz/expected";
import { ROLES, buildWorld, type Role, type World } from "./authz/fixtures";
import { sendAs } from "./authz/send";
import { loadOperations, writeReliabilityCounts, type Operation } from "./openapi-ops";

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
});
