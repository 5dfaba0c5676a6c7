import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";

export type Db = DrizzleD1Database<Record<string, unknown>>;
export const dbOf = (env: { DB: D1Database }): Db => drizzle(env.DB);
