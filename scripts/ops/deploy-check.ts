// Offline deploy check: bundles every deployable worker for an environment with
// `wrangler deploy --dry-run` (no Cloudflare account needed) and compares the bindings its code
// declares in its `Env` type with the ones that environment's config section declares.
import ts from "typescript";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  DEPLOYABLE, ROOT, SECRETS, configPath, declaredBindings, envTypeFile, pool, readSection, wrangler,
  type BindingKind, type Environment, type Section,
} from "./workers.ts";

/**
 * Checked against the Workers Free plan's limit, 3 MB after gzip (the Paid plan allows 10 MB):
 * a bundle under it deploys on either plan.
 */
export const BUNDLE_LIMIT_BYTES = 3 * 1024 * 1024;

export type CodeBinding = { name: string; kind: BindingKind | "string"; optional: boolean };

function kindOfType(text: string): CodeBinding["kind"] {
  if (text === "string") return "string";
  if (text.startsWith("D1Database")) return "d1";
  if (text.startsWith("Queue")) return "queue";
  if (text.startsWith("R2Bucket")) return "r2";
  if (text.startsWith("DurableObjectNamespace")) return "durable_object";
  if (text.startsWith("RateLimit")) return "ratelimit";
  if (text.startsWith("AnalyticsEngineDataset")) return "analytics_engine";
  return "service"; // Fetcher, Service<…>, or the Pick<…Rpc> a worker calls over RPC
}

/** Each worker's `Env` properties, read with the TypeScript checker (so mapped/intersected types resolve). */
export function codeBindings(workers: string[] = DEPLOYABLE): Map<string, CodeBinding[]> {
  const tsconfig = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!tsconfig) throw new Error("cannot read tsconfig.json");
  const files = workers.map((w) => join(ROOT, envTypeFile(w)));
  const program = ts.createProgram(files, { ...tsconfig.options, noEmit: true });
  const checker = program.getTypeChecker();
  const out = new Map<string, CodeBinding[]>();
  workers.forEach((worker, i) => {
    const source = program.getSourceFile(files[i]);
    const symbol = source && checker.getSymbolAtLocation(source);
    const envSymbol = symbol && checker.getExportsOfModule(symbol).find((s) => s.name === "Env");
    if (!envSymbol) throw new Error(`${envTypeFile(worker)} exports no Env type`);
    const envType = checker.getDeclaredTypeOfSymbol(envSymbol);
    out.set(worker, checker.getPropertiesOfType(envType).map((prop) => {
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
      const type = checker.getNonNullableType(checker.getTypeOfSymbol(prop));
      return { name: prop.name, kind: kindOfType(checker.typeToString(type)), optional };
    }));
  });
  return out;
}

export type BindingProblem = { worker: string; binding: string; problem: string };

/**
 * What is wrong between the code's Env and one environment's config section:
 * - a required binding the section lacks (or declares as another kind);
 * - a required string that is neither a [vars] entry nor a listed secret;
 * - a declared binding the code never reads (least privilege).
 */
export function bindingProblems(worker: string, code: CodeBinding[], section: Section): BindingProblem[] {
  const declared = declaredBindings(section);
  const secrets = SECRETS[worker] ?? { required: [], optional: [] };
  const problems: BindingProblem[] = [];
  const add = (binding: string, problem: string) => problems.push({ worker, binding, problem });
  for (const b of code) {
    const have = declared.get(b.name);
    if (b.kind === "string") {
      if (have && have !== "var") add(b.name, `declared as ${have}, the code reads a string`);
      else if (!have && !b.optional && !secrets.required.includes(b.name)) add(b.name, "required string is neither in [vars] nor a listed secret");
      continue;
    }
    if (!have) { if (!b.optional) add(b.name, `missing ${b.kind} binding`); continue; }
    if (have !== b.kind) add(b.name, `declared as ${have}, the code expects ${b.kind}`);
  }
  const inCode = new Set(code.map((b) => b.name));
  for (const [name, kind] of declared) if (!inCode.has(name)) add(name, `${kind} binding the code never reads`);
  for (const name of [...secrets.required, ...secrets.optional]) {
    if (!inCode.has(name)) add(name, "listed secret the code never reads");
    else if (declared.has(name)) add(name, "listed secret is also a [vars] entry");
  }
  return problems;
}

function dirSize(dir: string): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith(".map") || entry.name === "README.md") continue;
    const path = join(entry.parentPath, entry.name);
    raw += statSync(path).size;
    gzip += gzipSync(readFileSync(path)).length;
  }
  return { raw, gzip };
}

export type BundleReport = { worker: string; name: string; rawBytes: number; gzipBytes: number; wranglerGzip: string | null };

/** `wrangler deploy --dry-run --outdir` for one worker, with the bundle's measured size. */
export async function dryRunBundle(worker: string, env: Environment): Promise<BundleReport> {
  const outdir = mkdtempSync(join(tmpdir(), `deploy-check-${worker}-`));
  try {
    const { stdout } = await wrangler(["deploy", "--dry-run", "--outdir", outdir, "--env", env, "-c", configPath(worker)], { env: { CI: "true" } });
    const size = dirSize(outdir);
    const wranglerGzip = /gzip:\s*([\d.,]+\s*\w+)/.exec(stdout)?.[1] ?? null;
    return { worker, name: readSection(worker, env).name ?? worker, rawBytes: size.raw, gzipBytes: size.gzip, wranglerGzip };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export type CheckReport = { env: Environment; bundles: BundleReport[]; problems: BindingProblem[]; ms: number };

/** The whole check for one environment; `parallel` dry-runs at once (each is one esbuild + Node process). */
export async function deployCheck(env: Environment, { parallel = 2, workers = DEPLOYABLE } = {}): Promise<CheckReport> {
  const started = Date.now();
  const bundling = pool(workers, parallel, (w) => dryRunBundle(w, env));
  const code = codeBindings(workers);
  const problems = workers.flatMap((w) => bindingProblems(w, code.get(w)!, readSection(w, env)));
  const bundles = await bundling;
  for (const b of bundles) {
    if (b.gzipBytes > BUNDLE_LIMIT_BYTES) problems.push({ worker: b.worker, binding: "(bundle)", problem: `gzipped bundle ${kib(b.gzipBytes)} exceeds ${kib(BUNDLE_LIMIT_BYTES)}` });
  }
  return { env, bundles, problems, ms: Date.now() - started };
}

export const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export function formatReport(r: CheckReport): string {
  const rows = [["worker", "deploys as", "bundle", "gzip", "% of 3 MB", "bindings"]];
  for (const b of r.bundles) {
    const bad = r.problems.filter((p) => p.worker === b.worker).length;
    rows.push([b.worker, b.name, kib(b.rawBytes), kib(b.gzipBytes), `${((100 * b.gzipBytes) / BUNDLE_LIMIT_BYTES).toFixed(1)} %`, bad ? `${bad} problem(s)` : "ok"]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) => row.map((c, i) => c.padEnd(widths[i])).join("  "));
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const out = [`deploy check --env ${r.env}: ${r.bundles.length} workers in ${(r.ms / 1000).toFixed(1)} s (limit: 3 MB gzipped, the Workers Free plan's; Paid allows 10 MB)`, ...lines];
  for (const p of r.problems) out.push(`  ✗ ${p.worker} ${configPath(p.worker)} [env.${r.env}] ${p.binding}: ${p.problem}`);
  return out.join("\n");
}
