import { WorkerEntrypoint } from "cloudflare:workers";
import type { JWK } from "jose";
import type { Role } from "@tickets/common";
import type { Env } from "./env";
import { authDb } from "./db/client";
import { publicJwks } from "./domain/keys";
import { revokedSessionsSince } from "./domain/sessions";
import { findUserByEmail, findUserById, type Locale } from "./domain/users";

export type AuthUserSummary = { id: string; email: string; name: string; roles: Role[] };
export type AuthUserProfile = AuthUserSummary & { locale: Locale; phone: string | null };
export type RevokedSessionsFeed = { sessions: Array<{ sessionId: string; until: number }>; cursor: number };
export type { Role };

/** Internal RPC for other workers (bound with entrypoint = "AuthRpc"). */
export class AuthRpc extends WorkerEntrypoint<Env> {
  /** Public ES256 keys (current + those kept during a rotation). */
  async getJwks(): Promise<{ keys: JWK[] }> {
    return publicJwks(this.env);
  }

  /** Sessions revoked after `cursor` whose access tokens may not have expired yet; see README. */
  async revokedSessionsSince(cursor: number): Promise<RevokedSessionsFeed> {
    return revokedSessionsSince(authDb(this.env.DB), Number(cursor) || 0, Date.now());
  }

  /** For staff grants and the like; the email is normalised here. */
  async findUserByEmail(email: string): Promise<AuthUserSummary | null> {
    if (typeof email !== "string") return null;
    const u = await findUserByEmail(authDb(this.env.DB), email);
    return u ? { id: u.id, email: u.email, name: u.name, roles: u.roles } : null;
  }

  async getUser(id: string): Promise<AuthUserProfile | null> {
    if (typeof id !== "string") return null;
    const u = await findUserById(authDb(this.env.DB), id);
    return u ? { id: u.id, email: u.email, name: u.name, roles: u.roles, locale: u.locale, phone: u.phone ?? null } : null;
  }
}
