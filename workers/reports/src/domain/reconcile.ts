import { desc, eq, inArray, sql } from "drizzle-orm";
import { ulid } from "ulid";
import type { Logger } from "@tickets/common";
import type { Db } from "../db/client";
import { ordersDaily, reconciliationDrifts, reconciliationRuns, refundFacts, salesDaily, type DriftMetric, type DriftRow } from "../db/schema";
import type { OrdersApi, RefundsApi } from "../env";

export type ReconcileDeps = { db: Db; orders: OrdersApi; refunds: RefundsApi; log: Logger; now?: () => number };
type Key = `${string}\u0000${string}\u0000${DriftMetric}`;

/** Figures keyed by event, ticket type ('' for event-wide) and metric. */
class Ledger {
  readonly values = new Map<Key, number>();
  add(eventId: string, ticketTypeId: string, metric: DriftMetric, value: number) {
    const key = `${eventId}\u0000${ticketTypeId}\u0000${metric}` as Key;
    this.values.set(key, (this.values.get(key) ?? 0) + Number(value));
  }
}

/**
 * Nightly: the read model against the workers that own the money. Sold tickets, gross per ticket
 * type and sold orders come from the orders worker; succeeded refunds from the refunds worker;
 * and the refunded amounts in the aggregates must equal the refund facts they counted. Each run
 * and each difference is recorded; a difference logs a `reconciliation_drift` alert line.
 * Events still on their way through the queues (a sale confirmed while the run reads) would look
 * like a drift: a figure that differs is read again after `recheckAfterMs` and is a drift only
 * if it still differs then.
 */
export async function reconcile(deps: ReconcileDeps & { recheckAfterMs?: number }) {
  const { db, log } = deps;
  const now = deps.now ?? Date.now;
  const runId = ulid();
  await db.insert(reconciliationRuns).values({ id: runId, startedAt: now(), status: "running" });
  try {
    const first = await compare(deps);
    let differences = first.differences;
    if (differences.length) {
      await new Promise((r) => setTimeout(r, deps.recheckAfterMs ?? 15_000));
      const firstKeys = new Set(differences.map((d) => d.key));
      differences = (await compare(deps)).differences.filter((d) => firstKeys.has(d.key));
    }
    const drifts: DriftRow[] = differences.map(({ key: _key, ...d }) => ({ runId, ...d }));
    // D1 binds at most 100 parameters per statement: 6 per drift row.
    for (let i = 0; i < drifts.length; i += 16) await db.insert(reconciliationDrifts).values(drifts.slice(i, i + 16));
    for (const d of drifts.slice(0, 50)) log.error("reconciliation_drift", { ...d, difference: d.actual - d.expected });
    const eventsChecked = first.events.size;
    await db
      .update(reconciliationRuns)
      .set({ finishedAt: now(), status: drifts.length ? "drift" : "ok", eventsChecked, driftCount: drifts.length })
      .where(eq(reconciliationRuns.id, runId));
    log.info("reconciliation_done", { runId, events: eventsChecked, drifts: drifts.length });
    return { runId, eventsChecked, drifts };
  } catch (err) {
    const message = (err as Error).message;
    await db.update(reconciliationRuns).set({ finishedAt: now(), status: "failed", error: message.slice(0, 1000) }).where(eq(reconciliationRuns.id, runId));
    log.error("reconciliation_failed", { runId, error: message });
    throw err;
  }
}

/** One reading of both sides; every figure that differs. */
async function compare(deps: ReconcileDeps) {
  const expected = new Ledger();
  const actual = new Ledger();
  const [truth, refundTruth, model] = await Promise.all([deps.orders.salesTotals(), deps.refunds.succeededTotals(), readModelTotals(deps.db)]);
  for (const t of truth.byTicketType) {
    expected.add(t.eventId, t.ticketTypeId, "ticketsSold", t.ticketsSold);
    expected.add(t.eventId, t.ticketTypeId, "grossVnd", t.grossVnd);
  }
  for (const o of truth.orders) expected.add(o.eventId, "", "orders", o.orders);
  for (const r of refundTruth) {
    expected.add(r.eventId, "", "refunds", r.refunds);
    expected.add(r.eventId, "", "refundsVnd", r.refundedVnd);
  }
  for (const t of model.byTicketType) {
    actual.add(t.eventId, t.ticketTypeId, "ticketsSold", t.ticketsSold);
    actual.add(t.eventId, t.ticketTypeId, "grossVnd", t.grossVnd);
    actual.add(t.eventId, "", "refundedVnd", t.refundedVnd);
  }
  for (const o of model.orders) actual.add(o.eventId, "", "orders", o.orders);
  for (const r of model.refunds) {
    actual.add(r.eventId, "", "refunds", r.refunds);
    actual.add(r.eventId, "", "refundsVnd", r.refundsVnd);
    expected.add(r.eventId, "", "refundedVnd", r.countedVnd);
  }

  const differences: Array<Omit<DriftRow, "runId"> & { key: Key }> = [];
  const events = new Set<string>();
  for (const key of new Set([...expected.values.keys(), ...actual.values.keys()])) {
    const [eventId, ticketTypeId, metric] = key.split("\u0000") as [string, string, DriftMetric];
    events.add(eventId);
    const e = expected.values.get(key) ?? 0;
    const a = actual.values.get(key) ?? 0;
    if (e !== a) differences.push({ key, eventId, ticketTypeId, metric, expected: e, actual: a });
  }
  return { differences, events };
}

async function readModelTotals(db: Db) {
  const [byTicketType, orders, refunds] = await db.batch([
    db
      .select({
        eventId: salesDaily.eventId,
        ticketTypeId: salesDaily.ticketTypeId,
        ticketsSold: sql<number>`sum(${salesDaily.ticketsSold})`,
        grossVnd: sql<number>`sum(${salesDaily.grossVnd})`,
        refundedVnd: sql<number>`sum(${salesDaily.refundedVnd})`,
      })
      .from(salesDaily)
      .groupBy(salesDaily.eventId, salesDaily.ticketTypeId),
    db.select({ eventId: ordersDaily.eventId, orders: sql<number>`sum(${ordersDaily.orders})` }).from(ordersDaily).groupBy(ordersDaily.eventId),
    db
      .select({
        eventId: refundFacts.eventId,
        refunds: sql<number>`count(*)`,
        refundsVnd: sql<number>`sum(${refundFacts.amountVnd})`,
        countedVnd: sql<number>`coalesce(sum(case when ${refundFacts.appliedStamp} is not null then ${refundFacts.amountVnd} end), 0)`,
      })
      .from(refundFacts)
      .groupBy(refundFacts.eventId),
  ]);
  return { byTicketType, orders, refunds };
}

/** The latest runs, newest first, each with its drifts. */
export async function latestRuns(db: Db, limit: number) {
  const runs = await db.select().from(reconciliationRuns).orderBy(desc(reconciliationRuns.startedAt), desc(reconciliationRuns.id)).limit(limit).all();
  const drifts = runs.length
    ? await db.select().from(reconciliationDrifts).where(inArray(reconciliationDrifts.runId, runs.map((r) => r.id))).all()
    : [];
  return runs.map((r) => ({
    id: r.id,
    startedAt: new Date(r.startedAt).toISOString(),
    finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
    status: r.status,
    eventsChecked: r.eventsChecked,
    driftCount: r.driftCount,
    error: r.error,
    drifts: drifts
      .filter((d) => d.runId === r.id)
      .slice(0, 100)
      .map(({ eventId, ticketTypeId, metric, expected, actual }) => ({ eventId, ticketTypeId: ticketTypeId || null, metric, expected, actual })),
  }));
}
