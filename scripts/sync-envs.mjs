// `npm run configs:envs`: rewrites the [env.production] and [env.staging] sections of every
// deployable worker's wrangler.toml from its top level (scripts/ops/sync-envs.ts). Run it after
// adding or changing a top-level binding; ops/sync-envs.test.ts fails until you do.
import { syncAll } from "./ops/sync-envs.ts";

const changed = syncAll();
console.log(changed.length ? `rewrote the environment sections of: ${changed.join(", ")}` : "every config's environment sections are up to date");
