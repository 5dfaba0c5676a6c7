import { createServiceApp, d1Check, mountHealth } from "@tickets/common";

export type Env = { DB: D1Database; INTERNAL_AUTH_SECRET: string };

const app = createServiceApp<Env>("tickets");
mountHealth(app, (env) => ({ db: d1Check(env.DB) }));

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
