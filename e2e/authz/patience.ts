/**
 * Runs a call again after a 429: the gateway's per-user write limit (60 per 10 s) says nothing
 * about authorization, and the matrix sends a few hundred calls at once, setup calls included.
 * Waits what retry-after asks (at most 10 s), up to `maxRetries` times.
 */
export async function patiently<R extends { status: number; headers: Headers }>(call: () => Promise<R>, maxRetries = 4): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    const res = await call();
    if (res.status !== 429 || attempt >= maxRetries) return res;
    await new Promise((r) => setTimeout(r, Math.min(Number(res.headers.get("retry-after") ?? 2), 10) * 1000));
  }
}
