import { SERVICE_BINDINGS, type ServiceName } from "./routes-table";

const TIMEOUT_MS = 3_000;

/** Probes every domain worker's /health through its binding; any failure names that service. */
export async function aggregateHealth(env: Record<string, unknown>) {
  const entries = await Promise.all(
    (Object.keys(SERVICE_BINDINGS) as ServiceName[]).map(async (name) => {
      const binding = env[SERVICE_BINDINGS[name]] as Fetcher | undefined;
      if (!binding) return [name, "missing binding"] as const;
      try {
        const res = await Promise.race([
          binding.fetch("http://internal/health"),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), TIMEOUT_MS)),
        ]);
        return [name, res.ok ? "ok" : `unhealthy (${res.status})`] as const;
      } catch (err) {
        return [name, `unreachable: ${(err as Error).message}`] as const;
      }
    }),
  );
  const services = Object.fromEntries(entries) as Record<ServiceName, string>;
  const failing = entries.filter(([, s]) => s !== "ok").map(([n]) => n);
  return { status: failing.length ? ("failing" as const) : ("ok" as const), services, failing };
}
