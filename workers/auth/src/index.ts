import { createServiceApp, d1Check, mountHealth, withBackgroundDeadlines } from "@tickets/common";
import type { Env } from "./env";
import { authDb } from "./db/client";
import { mountRoutes } from "./routes";
import { signingKey } from "./domain/keys";
import { purgeExpiredSessions } from "./domain/sessions";
import { purgeThrottle } from "./domain/login-throttle";

export type { Env };
export { AuthRpc } from "./rpc";

const app = createServiceApp<Env>("auth");
mountHealth(app, (env) => ({ db: d1Check(env.DB), signing_key: () => signingKey(env) }));
mountRoutes(app);

export default withBackgroundDeadlines({
  fetch: app.fetch,
  async scheduled(_controller, env) {
    const db = authDb(env.DB);
    const now = Date.now();
    await purgeExpiredSessions(db, now);
    await purgeThrottle(db, now);
  },
} satisfies ExportedHandler<Env>);
