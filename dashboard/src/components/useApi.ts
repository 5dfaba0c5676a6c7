import { useCallback, useEffect, useRef, useState, type DependencyList } from "react";

type State<T> = { data: T | undefined; error: unknown; loading: boolean };

/**
 * Loads data with `load()` (usually `() => call(api.GET(...))`) when `deps` change.
 * `reload()` loads again (keeping the old data visible meanwhile); `setData` edits in place.
 */
export function useApi<T>(load: () => Promise<T>, deps: DependencyList) {
  const [state, setState] = useState<State<T>>({ data: undefined, error: null, loading: true });
  const generation = useRef(0);
  const run = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      if (mine === generation.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, error, loading: false }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    void run();
  }, [run]);
  const setData = useCallback((update: (old: T | undefined) => T) => setState((s) => ({ ...s, data: update(s.data) })), []);
  return { ...state, reload: run, setData };
}

/** Calls `tick` every `ms` while `active` (and the tab is visible). */
export function usePolling(tick: () => void, ms: number, active = true) {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => {
      if (document.visibilityState !== "hidden") saved.current();
    }, ms);
    return () => clearInterval(id);
  }, [ms, active]);
}

/**
 * State for a button or form that calls the API: `run(...)` sets `busy`, clears and records
 * `error`, and resolves to the action's result (undefined when it threw).
 *   const save = useAction(async () => { await call(api.POST(...)); });
 *   <form onSubmit={(e) => { e.preventDefault(); void save.run(); }}> … <ErrorMessage error={save.error} />
 */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(action);
  latest.current = action;
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await latest.current(...args);
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
