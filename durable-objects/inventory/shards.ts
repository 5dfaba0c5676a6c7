import type { EventInventory } from "../event-inventory";
import type { Amounts } from "./shard-store";
import type { HoldRequest } from "./types";

/**
 * Naming and routing of a sharded event's objects. The event's own object (idFromName(eventId))
 * is the coordinator, and with one shard it is also the only shard: exactly the unsharded
 * behaviour. With N > 1 shards, shard k is idFromName(`${eventId}:shard:${k}`) and a buyer's
 * holds all go to shard hash(buyerId) % N, so the per-buyer limit stays a local check there.
 */
export const shardName = (eventId: string, index: number) => `${eventId}:shard:${index}`;

/** FNV-1a (32 bit): stable across isolates and deploys, which is all the routing needs. */
export function shardIndexOf(buyerId: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < buyerId.length; i++) {
    h ^= buyerId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}

export type ShardRef = NonNullable<HoldRequest["shard"]>;
export type InventoryNamespace = DurableObjectNamespace<EventInventory>;

/** The operations the orders worker routes (the same RPC methods every object has). */
export type RoutedInventory = Pick<EventInventory, "hold" | "release" | "commit" | "restock">;

/** Events whose shard count can no longer change, per isolate (it is fixed once stock was held). */
const fixedShardCounts = new Map<string, number>();

/** An object's RPC methods as plain async calls (the stub's own types wrap every answer). */
export type InventoryHandle = Omit<EventInventory, "fetch" | "alarm" | "webSocketMessage" | "webSocketClose" | "webSocketError">;

export function coordinatorOf(ns: InventoryNamespace, eventId: string): InventoryHandle {
  return ns.get(ns.idFromName(eventId)) as unknown as InventoryHandle;
}

export function shardOf(ns: InventoryNamespace, eventId: string, index: number): InventoryHandle {
  return ns.get(ns.idFromName(shardName(eventId, index))) as unknown as InventoryHandle;
}

async function shardCount(ns: InventoryNamespace, eventId: string): Promise<number> {
  const known = fixedShardCounts.get(eventId);
  if (known !== undefined) return known;
  const { shards, fixed } = await coordinatorOf(ns, eventId).route(eventId);
  if (fixed) fixedShardCounts.set(eventId, shards);
  return shards;
}

/**
 * The object holding `buyerId`'s stock of `eventId`. While the shard count is not yet fixed, a
 * stale answer only costs a hop: the coordinator forwards what reaches it to the right shard.
 */
export function inventoryFor(ns: InventoryNamespace, eventId: string, buyerId: string): RoutedInventory {
  async function target() {
    const count = await shardCount(ns, eventId);
    if (count === 1) return { stub: coordinatorOf(ns, eventId), shard: undefined };
    const index = shardIndexOf(buyerId, count);
    return { stub: shardOf(ns, eventId, index), shard: { index, count } };
  }
  return {
    async hold(req) {
      if (req.buyerId !== buyerId) throw new Error("inventoryFor: the hold's buyer is not the routed buyer");
      const { stub, shard } = await target();
      return stub.hold(shard ? { ...req, shard } : req);
    },
    async release(orderId, opts) {
      return (await target()).stub.release(orderId, opts);
    },
    async commit(orderId, trace) {
      return (await target()).stub.commit(orderId, trace);
    },
    async restock(orderId, items, trace) {
      return (await target()).stub.restock(orderId, items, trace);
    },
  } as RoutedInventory;
}

export const isEmpty = (a: Amounts) => Object.values(a).every((n) => n === 0);
