// The steps of `npm run deploy -- --env <env>`, as data: printed by --dry-run, run otherwise.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEPLOYABLE, NEVER_DEPLOYED, ROOT, SECRETS, configPath, deployOrder, readSection, type Environment } from "./workers.ts";

/** Workers that take most traffic: `--gradual N` rolls them out to N % first (the rest deploy at once). */
export const HOT_WORKERS = ["gateway", "orders", "events", "payments"];

/** Public origins per environment: the dashboard is built against the API origin. */
export const ORIGINS: Record<Environment, { api: string; dashboard: string; pagesProject: string }> = {
  production: { api: "https://api.tickets.example.com", dashboard: "https://tickets.example.com", pagesProject: "tickets-dashboard" },
  staging: { api: "https://api.staging.tickets.example.com", dashboard: "https://staging.tickets.example.com", pagesProject: "tickets-dashboard-staging" },
};

/** The marker `npm run provision` replaces with each D1 database's real id. */
export const UNPROVISIONED_ID = "set-by-provision";

export type Step =
  | { kind: "wrangler"; worker?: string; title: string; args: string[] }
  | { kind: "check-secrets"; worker: string; title: string; config: string; names: string[] }
  | { kind: "gradual"; worker: string; title: string; config: string; percent: number }
  | { kind: "npm"; title: string; args: string[]; env: Record<string, string> };

export class RefusedError extends Error {}

export function deployPlan(env: Environment, opts: { only?: string[]; gradual?: number; dashboard?: boolean } = {}): Step[] {
  const refused = (opts.only ?? []).filter((w) => NEVER_DEPLOYED.includes(w));
  if (refused.length) throw new RefusedError(`${refused.join(", ")} ${refused.length > 1 ? "are" : "is"} development-only and never deployed (to ${env} or anywhere)`);
  const unknown = (opts.only ?? []).filter((w) => !DEPLOYABLE.includes(w));
  if (unknown.length) throw new RefusedError(`unknown worker(s): ${unknown.join(", ")} (deployable: ${DEPLOYABLE.join(", ")})`);
  if (opts.gradual !== undefined && !(opts.gradual > 0 && opts.gradual < 100)) throw new RefusedError("--gradual takes a percentage between 1 and 99");

  const steps: Step[] = [];
  for (const worker of deployOrder(env).filter((w) => !opts.only || opts.only.includes(w))) {
    const config = configPath(worker);
    const section = readSection(worker, env);
    const names = SECRETS[worker]?.required ?? [];
    if (names.length) steps.push({ kind: "check-secrets", worker, config, names, title: `${worker}: required secrets are set (${names.join(", ")})` });
    for (const db of section.d1_databases ?? []) {
      steps.push({ kind: "wrangler", worker, title: `${worker}: D1 migrations for ${db.database_name}`, args: ["d1", "migrations", "apply", db.database_name, "--remote", "--env", env, "-c", config] });
    }
    if (opts.gradual && HOT_WORKERS.includes(worker)) {
      steps.push({ kind: "gradual", worker, config, percent: opts.gradual, title: `${worker}: upload a version and send it ${opts.gradual} % of traffic` });
    } else {
      steps.push({ kind: "wrangler", worker, title: `${worker}: deploy as ${section.name ?? worker}`, args: ["deploy", "--env", env, "-c", config] });
    }
  }
  if ((opts.dashboard ?? !opts.only) && existsSync(join(ROOT, "dashboard", "package.json"))) {
    const o = ORIGINS[env];
    steps.push({ kind: "npm", title: `dashboard: build against ${o.api}`, args: ["run", "build", "-w", "@tickets/dashboard"], env: { VITE_API_ORIGIN: o.api } });
    steps.push({ kind: "wrangler", title: `dashboard: Pages project ${o.pagesProject}`, args: ["pages", "deploy", "dashboard/dist", "--project-name", o.pagesProject, "--branch", "main", "--commit-dirty=true"] });
  }
  return steps;
}

/** Config files whose [env.<env>] D1 ids are still the provision marker. */
export function unprovisioned(env: Environment): string[] {
  return DEPLOYABLE.flatMap((w) =>
    (readSection(w, env).d1_databases ?? []).filter((d) => !d.database_id || d.database_id === UNPROVISIONED_ID).map((d) => `${configPath(w)}: ${d.database_name}`),
  );
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case "wrangler": return `wrangler ${step.args.join(" ")}`;
    case "npm": return `${Object.entries(step.env).map(([k, v]) => `${k}=${v} `).join("")}npm ${step.args.join(" ")}`;
    case "check-secrets": return `wrangler secret list -c ${step.config} --env <env>  (expects ${step.names.join(", ")})`;
    case "gradual": return `wrangler versions upload -c ${step.config} --env <env>; wrangler versions deploy <new>@${step.percent}% <current> --yes`;
  }
}
