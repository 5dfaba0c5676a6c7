import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import type { Role } from "@tickets/common";

/** Mirrors migrations/auth/0002_accounts.sql. */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  roles: text("roles", { mode: "json" }).$type<Role[]>().notNull(),
  locale: text("locale", { enum: ["vi", "en"] }).notNull().default("vi"),
  phone: text("phone"),
  createdAt: integer("created_at").notNull(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    accessExpiresAt: integer("access_expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("sessions_user").on(t.userId), index("sessions_expires").on(t.expiresAt)],
);

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    replacedBy: text("replaced_by"),
  },
  (t) => [index("refresh_tokens_session").on(t.sessionId), index("refresh_tokens_expires").on(t.expiresAt)],
);

export const revokedSessions = sqliteTable(
  "revoked_sessions",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    sessionId: text("session_id").notNull().unique(),
    revokedAt: integer("revoked_at").notNull(),
    until: integer("until").notNull(),
  },
  (t) => [index("revoked_sessions_until").on(t.until)],
);

export const loginThrottle = sqliteTable(
  "login_throttle",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull(),
    windowStart: integer("window_start").notNull(),
  },
  (t) => [index("login_throttle_window").on(t.windowStart)],
);

export const schema = { users, sessions, refreshTokens, revokedSessions, loginThrottle };
