/**
 * Group commit: concurrent callers in one isolate share one write. `add(item)` joins the batch
 * being collected (a new one once it holds `maxItems`); a batch is written once the previous
 * batch's write has finished and `windowMs` has passed since its first item, and every caller's
 * promise settles after that write with its own result (or its error: a failed write fails its
 * whole batch, so `write` must not fail for one item's sake).
 *
 * Why: under a flash sale each D1 round trip costs far more than one more row in it, and a
 * database has one writer anyway. The write stays on each caller's path (durable before it
 * answers); only the round trips are shared. The batch runs under `waitUntil` of the caller that
 * opened it, so it completes even if that caller's own request is cancelled meanwhile; should a
 * write still never settle, each caller fails after `timeoutMs` instead of hanging.
 */
export function groupCommit<T, R = void>(
  write: (items: T[]) => Promise<R[] | void>,
  opts: { windowMs: number; maxItems: number; timeoutMs?: number },
): (item: T, waitUntil: (p: Promise<unknown>) => void) => Promise<R> {
  type Batch = { items: T[]; done: Promise<R[] | void> };
  let open: Batch | null = null;
  let previous: Promise<unknown> = Promise.resolve();

  return (item, waitUntil) => {
    let batch = open;
    if (!batch) {
      const prev = previous;
      // Everything that settles the batch runs in the context of the caller that opened it (its
      // timer, the write): promises are only awaited across requests, never resolved across.
      const fresh: Batch = { items: [], done: Promise.resolve() };
      fresh.done = (async () => {
        await Promise.all([prev.catch(() => undefined), new Promise((r) => setTimeout(r, opts.windowMs))]);
        if (open === fresh) open = null;
        return write(fresh.items);
      })();
      previous = fresh.done;
      open = batch = fresh;
      waitUntil(fresh.done.catch(() => undefined));
    }
    const index = batch.items.push(item) - 1;
    if (batch.items.length >= opts.maxItems) open = null;
    const done = batch.done;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("group commit timed out")), opts.timeoutMs ?? 10_000);
      done.then(
        (results) => {
          clearTimeout(timer);
          resolve(results ? results[index] : (undefined as R));
        },
        (err) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  };
}

/**
 * A group commit per key (a D1 binding, an RPC binding): the same binding in one isolate shares
 * one, and each binding's batches are written by `write(key, items)`.
 */
export function groupCommitPer<K extends object, T, R = void>(
  write: (key: K, items: T[]) => Promise<R[] | void>,
  opts: { windowMs: number; maxItems: number; timeoutMs?: number },
): (key: K, item: T, waitUntil: (p: Promise<unknown>) => void) => Promise<R> {
  const commits = new WeakMap<K, (item: T, waitUntil: (p: Promise<unknown>) => void) => Promise<R>>();
  return (key, item, waitUntil) => {
    let add = commits.get(key);
    if (!add) {
      add = groupCommit<T, R>((items) => write(key, items), opts);
      commits.set(key, add);
    }
    return add(item, waitUntil);
  };
}
