import type { EventInventory } from "../../../durable-objects/event-inventory";
import type { AuthRpc } from "../../auth/src/rpc";

/** What the events worker calls on the auth worker's AuthRpc entrypoint. */
export type AuthLookup = Pick<AuthRpc, "findUserByEmail">;

export type Env = {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  INVENTORY: DurableObjectNamespace<EventInventory>;
  ORDERS_INBOX: Queue;
  AUTH_RPC: AuthLookup;
};
