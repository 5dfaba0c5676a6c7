import { drizzle } from "drizzle-orm/d1";
import type { Db } from "../domain/tickets";

export const dbOf = (env: { DB: D1Database }): Db => drizzle(env.DB);
