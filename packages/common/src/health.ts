/** What a worker's /health reports: each binding probed for real. */
export type Check = () => Promise<unknown>;

export async function runChecks(checks: Record<string, Check>): Promise<{ status: "ok" | "failing"; checks: Record<string, string> }> {
  const results: Record<string, string> = {};
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await check();
        results[name] = "ok";
      } catch (err) {
        results[name] = `failing: ${(err as Error).message}`.slice(0, 200);
      }
    }),
  );
  return { status: Object.values(results).every((r) => r === "ok") ? "ok" : "failing", checks: results };
}

export const d1Check = (db: D1Database): Check => () => db.prepare("SELECT 1").first();
export const r2Check = (bucket: R2Bucket): Check => () => bucket.head("__health");
export const queueCheck = (queue: Queue): Check => async () => {
  if (typeof queue?.send !== "function") throw new Error("queue binding missing");
};
