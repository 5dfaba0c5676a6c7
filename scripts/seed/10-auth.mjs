// Demo accounts for `npm run dev` (and the e2e stack). Runs before every boot: INSERT OR IGNORE
// keeps it idempotent (an existing account, even with a changed password, is left alone).
import { pbkdf2Sync, randomBytes } from "node:crypto";

/** Fixed ids so other seeds can refer to the demo users. */
export const DEMO_USERS = [
  { id: "01HDEM0000000000000ADM1N00", email: "admin@example.com", password: "admin-demo-pass", name: "Demo Admin", roles: ["admin"] },
  { id: "01HDEM000000000000RGAN1ZER", email: "organizer@example.com", password: "organizer-demo-pass", name: "Demo Organizer", roles: ["organizer"] },
  { id: "01HDEM0000000000000BYER000", email: "buyer@example.com", password: "buyer-demo-pass", name: "Demo Buyer", roles: ["buyer"] },
];

/** Exactly the format workers/auth/src/domain/passwords.ts verifies. */
export function hashPassword(password, iterations = 100_000) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(Buffer.from(password.normalize("NFKC"), "utf8"), salt, iterations, 32, "sha256");
  return `pbkdf2-sha256$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

export async function sql() {
  const now = Date.now();
  const rows = DEMO_USERS.map((u) =>
    `(${[q(u.id), q(u.email), q(u.name), q(hashPassword(u.password)), q(JSON.stringify(u.roles)), q("vi"), "NULL", now].join(", ")})`,
  );
  return {
    db: "auth",
    config: "workers/auth/wrangler.toml",
    sql: `INSERT OR IGNORE INTO users (id, email, name, password_hash, roles, locale, phone, created_at) VALUES ${rows.join(", ")};`,
  };
}
