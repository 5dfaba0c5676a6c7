import { createServiceApp, d1Check, mountHealth } from "@tickets/common";

export type Env = { DB: D1Database; INTERNAL_AUTH_SECRET: string };

const app = createServiceApp<Env>("auth");
mountHealth(app, (env) => ({ db: d1Check(env.DB) }));

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;

// TODO(auth issue): real keys and revocations.
import { WorkerEntrypoint } from "cloudflare:workers";
export class AuthRpc extends WorkerEntrypoint<Env> {
  async getJwks() {
    return { keys: [] };
  }
  async revokedSessionsSince(cursor: number) {
    return { sessions: [], cursor };
  }
}
