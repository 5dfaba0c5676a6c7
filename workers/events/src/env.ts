import type { EventInventory } from "../../../durable-objects/event-inventory";
import type { Role } from "@tickets/common";

/** What the events worker needs from the auth worker's AuthRpc entrypoint. */
export interface AuthLookup {
  findUserByEmail(email: string): Promise<{ id: string; email: string; name: string; roles: Role[] } | null>;
}

export type Env = {
  DB: D1Database;
  INTERNAL_AUTH_SECRET: string;
  INVENTORY: DurableObjectNamespace<EventInventory>;
  ORDERS_INBOX: Queue;
  AUTH_RPC: AuthLookup;
};
