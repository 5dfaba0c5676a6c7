// The "events" worker as the orders tests see it: the REAL EventInventory Durable Object
// (durable-objects/event-inventory.ts) beside the contract stand-ins for the other workers' RPC.
// vitest.config.ts bundles this file with esbuild (auxiliary workers must be prebuilt bundles).
import { EventInventory as RealEventInventory, type InventoryEnv } from "../../../../durable-objects/event-inventory";

import { constructedInventories } from "./other-workers";

export { EventsRpc, PaymentsRpc, RefundsRpc, TicketsRpc, NotificationsRpc, InboxReceipts, default } from "./other-workers";

type Env = InventoryEnv & { EVENTS_MIGRATIONS: Array<{ name: string; queries: string[] }> };

export class EventInventory extends RealEventInventory {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    constructedInventories.add(ctx.id.toString());
    // The events schema in this test D1; each object may apply it: CREATE … IF NOT EXISTS, and
    // an ALTER TABLE … ADD COLUMN that another object already applied is skipped.
    const queries = env.EVENTS_MIGRATIONS.flatMap((m) => m.queries);
    ctx.blockConcurrencyWhile(async () => {
      for (const q of queries) {
        await env.DB.prepare(q)
          .run()
          .catch((err: Error) => {
            if (!/duplicate column name/.test(err.message)) throw err;
          });
      }
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
