import { withTimeout, type BreakerState } from "@tickets/common";
import { SERVICE_BINDINGS, type ServiceName } from "./routes-table";

const TIMEOUT_MS = 3_000;

type Probe = { service: ServiceName; status: string; breakers: Record<string, BreakerState> };

async function probe(env: Record<string, unknown>, name: ServiceName): Promise<Probe> {
  const binding = env[SERVICE_BINDINGS[name]] as Fetcher | undefined;
  if (!binding) return { service: name, status: "missing binding", breakers: {} };
  try {
    const res = await withTimeout((signal) => binding.fetch("http://internal/health", { signal }), TIMEOUT_MS, "health");
    const body = (await res.json().catch(() => null)) as { breakers?: Record<string, BreakerState> } | null;
    return { service: name, status: res.ok ? "ok" : `unhealthy (${res.status})`, breakers: body?.breakers ?? {} };
  } catch (err) {
    return { service: name, status: `unreachable: ${(err as Error).message}`, breakers: {} };
  }
}

/**
 * Probes every domain worker's /health through its binding; any failure names that service.
 * `breakers`: each worker's circuit breakers by provider (vnpay, email, sms, push, payments), as
 * the isolate that answered the probe sees them; an open breaker is not a failing service.
 */
export async function aggregateHealth(env: Record<string, unknown>) {
  const probes = await Promise.all((Object.keys(SERVICE_BINDINGS) as ServiceName[]).map((name) => probe(env, name)));
  const services = Object.fromEntries(probes.map((p) => [p.service, p.status])) as Record<ServiceName, string>;
  const breakers: Record<string, BreakerState> = Object.assign({}, ...probes.map((p) => p.breakers));
  const failing = probes.filter((p) => p.status !== "ok").map((p) => p.service);
  return { status: failing.length ? ("failing" as const) : ("ok" as const), services, failing, breakers };
}
