// What operations need to know about the workers: which ones deploy, their configs, the secrets
// each needs, the account resources an environment uses, and the order to deploy them in.
// Read by scripts/deploy.mjs, provision.mjs, backup.mjs, restore.mjs, deploy-check.mjs and ops/ tests.
import { experimental_readRawConfig } from "wrangler";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
export const ENVIRONMENTS = ["staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Development-only workers: no environment sections, and the deploy script refuses them. */
export const NEVER_DEPLOYED = ["vnpay-sandbox", "dev-cron", "dev-metrics"];

/** Every worker that deploys (the gateway's config is the root wrangler.toml). */
export const DEPLOYABLE = ["auth", "events", "payments", "tickets", "orders", "notifications", "refunds", "reports", "support", "gateway"];

/**
 * Secrets each worker needs in a deployed environment (`wrangler secret put NAME -c <config> --env <env>`).
 * `required`: the worker cannot do its job without them (`npm run deploy` checks they are set).
 * `optional`: features that stay off (or fall back) without them.
 */
export const SECRETS: Record<string, { required: string[]; optional: string[] }> = {
  gateway: { required: ["INTERNAL_AUTH_SECRET"], optional: [] },
  auth: { required: ["INTERNAL_AUTH_SECRET", "AUTH_SIGNING_JWK"], optional: ["AUTH_PREVIOUS_PUBLIC_JWKS"] },
  events: { required: ["INTERNAL_AUTH_SECRET", "QUEUE_PASS_SECRET"], optional: [] },
  payments: { required: ["INTERNAL_AUTH_SECRET", "VNPAY_TMN_CODE", "VNPAY_SECURE_SECRET"], optional: [] },
  tickets: { required: ["INTERNAL_AUTH_SECRET", "TICKET_SIGNING_JWK"], optional: ["TICKET_PREVIOUS_PUBLIC_JWKS"] },
  orders: { required: ["INTERNAL_AUTH_SECRET", "QUEUE_PASS_SECRET"], optional: [] },
  // NOTIFY_DRIVER = "http" in the environments: without the email key every email fails and retries.
  notifications: { required: ["INTERNAL_AUTH_SECRET", "EMAIL_API_KEY"], optional: ["SMS_API_KEY", "VAPID_PRIVATE_JWK"] },
  refunds: { required: ["INTERNAL_AUTH_SECRET"], optional: [] },
  // GET /api/admin/metrics reads Analytics Engine's SQL API with them (an API token with Account Analytics: Read); 503 without.
  reports: { required: ["INTERNAL_AUTH_SECRET"], optional: ["CLOUDFLARE_ACCOUNT_ID", "METRICS_API_TOKEN"] },
  support: { required: ["INTERNAL_AUTH_SECRET"], optional: [] },
};

export function configPath(worker: string): string {
  return worker === "gateway" ? "wrangler.toml" : `workers/${worker}/wrangler.toml`;
}

/** Where the worker's `Env` type is declared (src/env.ts, else its entry file). */
export function envTypeFile(worker: string): string {
  const dir = worker === "gateway" ? "workers/gateway" : `workers/${worker}`;
  const env = join(dir, "src", "env.ts");
  return existsSync(join(ROOT, env)) ? env : join(dir, "src", "index.ts");
}

type Named = { binding?: string; name?: string };
export type Section = {
  name?: string;
  vars?: Record<string, unknown>;
  services?: Array<{ binding: string; service: string; entrypoint?: string }>;
  d1_databases?: Array<{ binding: string; database_name: string; database_id?: string; migrations_dir?: string }>;
  durable_objects?: { bindings?: Array<{ name: string; class_name: string; script_name?: string }> };
  r2_buckets?: Array<{ binding: string; bucket_name: string }>;
  queues?: { producers?: Array<{ binding: string; queue: string }>; consumers?: Array<{ queue: string; dead_letter_queue?: string }> };
  ratelimits?: Array<{ name: string; namespace_id: string }>;
  analytics_engine_datasets?: Array<{ binding: string; dataset: string }>;
  [key: string]: unknown;
};

/** The raw config of a worker: its top level and, with `env`, that environment's section (no inheritance). */
export function readSection(worker: string, env?: Environment): Section {
  const { rawConfig } = experimental_readRawConfig({ config: join(ROOT, configPath(worker)) });
  const raw = rawConfig as unknown as Section & { env?: Record<string, Section> };
  if (!env) return raw;
  const section = raw.env?.[env];
  if (!section) throw new Error(`${configPath(worker)} has no [env.${env}] section`);
  return section;
}

export type BindingKind = "d1" | "queue" | "r2" | "durable_object" | "service" | "ratelimit" | "analytics_engine" | "var";

/** Binding name → kind, as one config section declares them. */
export function declaredBindings(section: Section): Map<string, BindingKind> {
  const out = new Map<string, BindingKind>();
  const add = (items: Named[] | undefined, kind: BindingKind) => items?.forEach((i) => out.set((i.binding ?? i.name)!, kind));
  add(section.d1_databases, "d1");
  add(section.queues?.producers, "queue");
  add(section.r2_buckets, "r2");
  add(section.durable_objects?.bindings, "durable_object");
  add(section.services, "service");
  add(section.ratelimits, "ratelimit");
  add(section.analytics_engine_datasets, "analytics_engine");
  for (const name of Object.keys(section.vars ?? {})) out.set(name, "var");
  return out;
}

/** The account resources one environment of the deployable workers uses. */
export function resources(env: Environment) {
  const d1 = new Map<string, { worker: string; migrationsDir?: string }>();
  const queues = new Set<string>();
  const buckets = new Set<string>();
  for (const worker of DEPLOYABLE) {
    const s = readSection(worker, env);
    for (const db of s.d1_databases ?? []) d1.set(db.database_name, { worker, migrationsDir: db.migrations_dir });
    for (const p of s.queues?.producers ?? []) queues.add(p.queue);
    for (const c of s.queues?.consumers ?? []) {
      queues.add(c.queue);
      if (c.dead_letter_queue) queues.add(c.dead_letter_queue);
    }
    for (const b of s.r2_buckets ?? []) buckets.add(b.bucket_name);
  }
  return { d1, queues: [...queues].sort(), buckets: [...buckets].sort() };
}

/**
 * Receipt bindings (`entrypoint = "InboxReceipts"`, packages/common/src/delivery.ts) point from an
 * event's producer back at its consumer, which often calls the producer itself: they form cycles,
 * so they do not order deploys. On a first deploy the target script exists anyway: the procedure
 * (docs/operations.md) puts INTERNAL_AUTH_SECRET into every worker first, and `wrangler secret put`
 * creates the script; a receipt check fails, and is retried, only until the target's code is
 * deployed a few steps later.
 */
export const ORDERLESS_ENTRYPOINTS = ["InboxReceipts"];

/** Which deployable workers each one binds (service bindings except receipt ones, Durable Objects hosted elsewhere). */
export function bindingGraph(env: Environment): Map<string, Set<string>> {
  const nameToWorker = new Map(DEPLOYABLE.map((w) => [readSection(w, env).name ?? w, w]));
  return new Map(
    DEPLOYABLE.map((w) => {
      const s = readSection(w, env);
      const services = (s.services ?? []).filter((x) => !ORDERLESS_ENTRYPOINTS.includes(x.entrypoint ?? ""));
      const targets = [...services.map((x) => x.service), ...(s.durable_objects?.bindings ?? []).flatMap((d) => (d.script_name ? [d.script_name] : []))];
      return [w, new Set(targets.map((t) => nameToWorker.get(t)).filter((t): t is string => !!t && t !== w))];
    }),
  );
}

/** Whether `from` binds `to`, directly or through other workers. */
export function reaches(graph: Map<string, Set<string>>, from: string, to: string, seen = new Set<string>()): boolean {
  if (seen.has(from)) return false;
  seen.add(from);
  for (const next of graph.get(from) ?? []) if (next === to || reaches(graph, next, to, seen)) return true;
  return false;
}

/**
 * Deploy order: a worker after every worker it binds, so a first deploy rarely calls code that is
 * not there yet. Workers that call each other (orders ↔ events for a cancellation's progress,
 * orders ↔ refunds) form cycles; a cycle is broken at the remaining worker with the fewest
 * unmet bindings (ties keep DEPLOYABLE's order): as with receipt bindings, its target scripts
 * already exist on a first deploy (the procedure puts INTERNAL_AUTH_SECRET into every worker
 * first, which creates them) and run their new code a few steps later.
 */
export function deployOrder(env: Environment): string[] {
  const deps = bindingGraph(env);
  const order: string[] = [];
  const unmet = (w: string) => [...deps.get(w)!].filter((d) => !order.includes(d)).length;
  while (order.length < DEPLOYABLE.length) {
    const remaining = DEPLOYABLE.filter((w) => !order.includes(w));
    const next = remaining.find((w) => unmet(w) === 0) ?? remaining.reduce((best, w) => (unmet(w) < unmet(best) ? w : best));
    order.push(next);
  }
  return order;
}

/** The domains whose D1 database backups cover (every deployable worker with a DB). */
export function domainsWithDatabase(): Array<{ domain: string; config: string; database: string }> {
  return DEPLOYABLE.flatMap((worker) => {
    const db = readSection(worker).d1_databases?.[0];
    return db ? [{ domain: worker, config: configPath(worker), database: db.database_name }] : [];
  });
}

/** Runs wrangler with the project's Node; rejects with its output on a non-zero exit. */
export function wrangler(args: string[], opts: { cwd?: string; env?: Record<string, string>; maxBuffer?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    execFile(process.execPath, [WRANGLER, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0", ...opts.env },
      maxBuffer: opts.maxBuffer ?? 1 << 26,
    }, (err, stdout, stderr) => {
      if (err) rej(Object.assign(new Error(`wrangler ${args.join(" ")} failed:\n${stdout}\n${stderr}`), { stdout, stderr }));
      else res({ stdout, stderr });
    });
  });
}

/** Runs `fn` over `items` with at most `size` in flight, keeping the results in order. */
export async function pool<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  }));
  return results;
}

/** `--flag value` / `--flag=value` / `booleans` as bare flags → record; positionals in `_`. */
export function parseArgs(argv: string[], booleans: string[] = []): { _: string[]; [flag: string]: string | boolean | string[] } {
  const out: { _: string[]; [flag: string]: string | boolean | string[] } = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) { out._.push(a); continue; }
    const [key, inline] = a.slice(2).split("=", 2);
    if (inline !== undefined) out[key] = inline;
    else if (!booleans.includes(key) && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) out[key] = argv[++i];
    else out[key] = true;
  }
  return out;
}

export function environmentArg(value: unknown): Environment {
  if (typeof value === "string" && (ENVIRONMENTS as readonly string[]).includes(value)) return value as Environment;
  throw new Error(`--env must be one of ${ENVIRONMENTS.join(", ")} (got ${value === undefined ? "nothing" : String(value)})`);
}
