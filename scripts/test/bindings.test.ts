import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { experimental_readRawConfig } from "wrangler";
import { SUBSCRIPTIONS, INBOXES, DEV_SECRET_MARKERS } from "@tickets/common";

// Least privilege, checked: every binding a wrangler.toml declares is used by that worker's
// code, and every binding its Env type requires is declared (in wrangler.toml, or as a secret in
// .dev.vars.example).

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

type Raw = Record<string, any>;
/** Binding names a (raw) wrangler config declares, production environment included. */
function declaredBindings(raw: Raw): Set<string> {
  const names = new Set<string>();
  const collect = (c: Raw) => {
    for (const s of c.services ?? []) names.add(s.binding);
    for (const d of c.d1_databases ?? []) names.add(d.binding);
    for (const d of c.durable_objects?.bindings ?? []) names.add(d.name);
    for (const q of c.queues?.producers ?? []) names.add(q.binding);
    for (const r of c.r2_buckets ?? []) names.add(r.binding);
    for (const k of c.kv_namespaces ?? []) names.add(k.binding);
    for (const r of c.ratelimits ?? []) names.add(r.name);
    for (const a of c.analytics_engine_datasets ?? []) names.add(a.binding);
    for (const v of Object.keys(c.vars ?? {})) names.add(v);
  };
  collect(raw);
  for (const env of Object.values(raw.env ?? {})) collect(env as Raw);
  return names;
}

const secretsOf = (dir: string) => {
  const file = join(dir, ".dev.vars.example");
  if (!existsSync(file)) return new Map<string, string>();
  return new Map(
    [...readFileSync(file, "utf8").matchAll(/^([A-Z][A-Z0-9_]*)\s*=\s*(["']?)(.*)\2\s*$/gm)].map((m) => [m[1], m[3]] as [string, string]),
  );
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const ENV_BLOCK = /export type Env = [^{]*\{([\s\S]*?)\n\};/;

/** The worker's code with its Env type declaration cut out (a declaration is not a use). */
function codeOf(srcDir: string) {
  const files = sourceFiles(srcDir).map((f) => readFileSync(f, "utf8"));
  const envBlock = files.map((t) => ENV_BLOCK.exec(t)?.[1]).find(Boolean) ?? "";
  return { code: files.map((t) => t.replace(ENV_BLOCK, "")).join("\n"), envBlock };
}

/** Queue producers are used through the outbox: an inbox is used when the worker emits an event routed to it. */
function inboxesFed(code: string): Set<string> {
  const emitted = [...code.matchAll(/makeEvent\(\s*"(\w+)"/g)].map((m) => m[1] as keyof typeof SUBSCRIPTIONS);
  return new Set(emitted.flatMap((type) => (SUBSCRIPTIONS[type] ?? []).map((inbox) => INBOXES[inbox] as string)));
}

const workers = readdirSync(join(ROOT, "workers")).filter((w) => existsSync(join(ROOT, "workers", w, "wrangler.toml")));
const configs = [
  { worker: "gateway", config: join(ROOT, "wrangler.toml"), src: join(ROOT, "workers", "gateway", "src"), secrets: ROOT },
  ...workers.map((w) => ({ worker: w, config: join(ROOT, "workers", w, "wrangler.toml"), src: join(ROOT, "workers", w, "src"), secrets: join(ROOT, "workers", w) })),
];

describe("each worker binds only what its code uses", () => {
  it("finds every worker's config", () => {
    expect(configs.map((c) => c.worker)).toEqual(expect.arrayContaining(["gateway", "auth", "events", "orders", "payments", "tickets", "refunds", "notifications"]));
  });

  for (const { worker, config, src, secrets } of configs) {
    it(`${worker}: every declared binding is used, every required Env binding is declared`, () => {
      const { rawConfig } = experimental_readRawConfig({ config });
      const declared = declaredBindings(rawConfig as Raw);
      const { code, envBlock } = codeOf(src);
      const fed = inboxesFed(code);
      // A worker that sweeps its outbox asks each inbox it feeds for receipts (`<INBOX>_RECEIPTS`).
      const receipts = /\b(sweepOutbox|redeliverOutbox)\(/.test(code) ? new Set([...fed].map((q) => q.replace(/_INBOX$/, "_RECEIPTS"))) : new Set<string>();
      // Every service app (createServiceApp) and the gateway count their 5xx through recordMetric.
      const metrics = /\b(recordMetric|countServerErrors|createServiceApp)\b/.test(code) ? new Set(["METRICS", "DEV_METRICS"]) : new Set<string>();
      // Used: named in the code, fed through the outbox (or asked for its receipts), or picked by its
      // lower-case name at run time (dev-cron's env[worker.toUpperCase()]).
      const used = (name: string) =>
        new RegExp(`\\b${name}\\b`).test(code) || fed.has(name) || metrics.has(name) || receipts.has(name) || code.includes(`"${name.toLowerCase()}"`);
      const unused = [...declared].filter((name) => !used(name));
      expect(unused, `${worker} declares bindings its code never uses`).toEqual([]);

      const provided = new Set([...declared, ...secretsOf(secrets).keys()]);
      const required = [...envBlock.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:/gm)].map((m) => m[1]);
      expect(required.filter((name) => !provided.has(name)), `${worker}'s Env requires bindings nobody declares`).toEqual([]);
    });
  }
});

describe("committed development secrets", () => {
  it("are all known to the production guard, so none of them can serve in production", () => {
    const dirs = [ROOT, ...workers.map((w) => join(ROOT, "workers", w))];
    const secrets = dirs.flatMap((d) => [...secretsOf(d)].filter(([k, v]) => /SECRET|SIGNING_JWK/.test(k) && v.length > 0));
    expect(secrets.length).toBeGreaterThan(3);
    const unknown = secrets.filter(([, v]) => !DEV_SECRET_MARKERS.some((m) => v.includes(m))).map(([k]) => k);
    expect(unknown).toEqual([]);
  });
});
