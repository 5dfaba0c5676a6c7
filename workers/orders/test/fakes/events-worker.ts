// The "events" worker as the orders tests see it: the REAL EventInventory Durable Object
// (durable-objects/event-inventory.ts) beside the contract stand-ins for the other workers' RPC.
// vitest.config.ts bundles this file with esbuild (auxiliary workers must be prebuilt bundles).
import { EventInventory as RealEventInventory, type InventoryEnv } from "../../../../durable-objects/event-inventory";

export { EventsRpc, PaymentsRpc, TicketsRpc, InboxReceipts, default } from "./other-workers";

type Env = InventoryEnv & { EVENTS_MIGRATIONS: Array<{ name: string; queries: string[] }> };

export class EventInventory extends RealEventInventory {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // The events schema in this test D1 (every statement is IF NOT EXISTS: each object may apply it).
    const queries = env.EVENTS_MIGRATIONS.flatMap((m) => m.queries);
    ctx.blockConcurrencyWhile(async () => {
      await env.DB.batch(queries.map((q) => env.DB.prepare(q)));
    });
  }

  /**
   * Test hook standing in for the passage of time: the hold's TTL runs out now. The object's own
   * code then expires it, exactly as when its time comes (every operation first expires due holds).
   */
  async expire(orderId: string): Promise<boolean> {
    const due = this.ctx.storage.sql.exec("UPDATE holds SET expires_at = ? WHERE order_id = ? AND status = 'active'", Date.now() - 1, orderId);
    await this.availability();
    return due.rowsWritten > 0;
  }
}
