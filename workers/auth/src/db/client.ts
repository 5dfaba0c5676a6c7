import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { schema } from "./schema";

/** Drizzle over the auth D1; `$client` is the raw binding, for the few guarded multi-statement batches. */
export type AuthDb = DrizzleD1Database<typeof schema> & { $client: D1Database };

export const authDb = (d1: D1Database): AuthDb => drizzle(d1, { schema });
