import { ulid } from "ulid";
import type { BatchItem as BatchItem_ } from "drizzle-orm/batch";
import { ApiError, type Identity, type Role } from "@tickets/common";
import type { Env } from "../env";
import type { AuthDb } from "../db/client";
import { users } from "../db/schema";
import { ACCESS_TOKEN_TTL_SECONDS, accessExpiry, issueAccessToken } from "./access-tokens";
import { signingKey } from "./keys";
import { hashPassword, verifyPassword } from "./passwords";
import { openSession, revokeSession, rotateRefreshToken, sessionIsLive } from "./sessions";
import { findUserByEmail, findUserById, normaliseEmail, toPublicUser, type Locale, type PublicUser, type UserRow } from "./users";
import { assertNotLocked, clearPairStatement, recordFailure, throttleKeys } from "./login-throttle";

export type Tokens = { accessToken: string; refreshToken: string; expiresIn: number };
export type AuthResult = Tokens & { user: PublicUser };

export type RegisterInput = {
  email: string;
  password: string;
  name: string;
  role?: Exclude<Role, "admin">;
  locale?: Locale;
  phone?: string;
};

type Deps = { env: Env; db: AuthDb; now?: number };

/** Opens a session for the user in one batch with `extra` (e.g. the user insert) and signs its first access token. */
type BatchItem = BatchItem_<"sqlite">;

async function startSession({ env, db, now = Date.now() }: Deps, user: UserRow, extra: BatchItem[] = []) {
  const sessionId = ulid();
  const { accessToken, expiresAt } = await issueAccessToken(env, { userId: user.id, email: user.email, roles: user.roles, sessionId }, now);
  const { refreshToken, statements } = await openSession(db, { sessionId, userId: user.id, accessExpiresAt: expiresAt, now });
  const items: BatchItem[] = [...extra, ...statements];
  await db.batch(items as [BatchItem, ...BatchItem[]]);
  return { user: toPublicUser(user), accessToken, refreshToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS } satisfies AuthResult;
}

const isUniqueViolation = (err: unknown): boolean => {
  for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (/UNIQUE constraint failed: users\.email/.test(e.message ?? "")) return true;
  }
  return false;
};

export async function register(deps: Deps, input: RegisterInput): Promise<AuthResult> {
  const now = deps.now ?? Date.now();
  await signingKey(deps.env); // a misconfigured key fails before anything is written
  const user: UserRow = {
    id: ulid(),
    email: normaliseEmail(input.email),
    name: input.name,
    passwordHash: await hashPassword(input.password),
    roles: [input.role ?? "buyer"],
    locale: input.locale ?? "vi",
    phone: input.phone ?? null,
    createdAt: now,
  };
  try {
    return await startSession({ ...deps, now }, user, [deps.db.insert(users).values(user)]);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError(409, "email_taken", "An account with this email already exists");
    throw err;
  }
}

export const invalidCredentials = () => new ApiError(401, "invalid_credentials", "Email or password is wrong");

export async function login(deps: Deps, input: { email: string; password: string }, clientAddress: string | null): Promise<AuthResult> {
  const now = deps.now ?? Date.now();
  const email = normaliseEmail(input.email);
  const keys = throttleKeys(email, clientAddress);
  await assertNotLocked(deps.db, keys, now);
  const user = await findUserByEmail(deps.db, email);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!ok || !user) {
    await recordFailure(deps.db, keys, now);
    throw invalidCredentials();
  }
  return startSession({ ...deps, now }, user, [clearPairStatement(deps.db, email, clientAddress)]);
}

export async function refresh(deps: Deps, presented: string): Promise<Tokens> {
  const now = deps.now ?? Date.now();
  await signingKey(deps.env); // fail before spending the token, not after
  const rotated = await rotateRefreshToken(deps.db, presented, { now, accessExpiresAt: accessExpiry(now) });
  if (!rotated.ok) {
    if (rotated.reason === "reused") {
      throw new ApiError(401, "refresh_token_reused", "This refresh token was already used; the session has been signed out");
    }
    throw new ApiError(401, "invalid_refresh_token", "The refresh token is invalid, expired or revoked");
  }
  const user = await findUserById(deps.db, rotated.userId);
  if (!user) throw new ApiError(401, "invalid_refresh_token", "The refresh token is invalid, expired or revoked");
  const { accessToken } = await issueAccessToken(
    deps.env,
    { userId: user.id, email: user.email, roles: user.roles, sessionId: rotated.sessionId },
    now,
  );
  return { accessToken, refreshToken: rotated.refreshToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
}

export async function logout(deps: Deps, identity: Identity): Promise<void> {
  await revokeSession(deps.db, identity.sessionId, "logout", deps.now ?? Date.now(), identity.userId);
}

/** The caller's profile; a revoked session is refused here too, whatever the gateway's cache knows. */
export async function me(deps: Deps, identity: Identity): Promise<PublicUser> {
  const [live, user] = await Promise.all([sessionIsLive(deps.db, identity.sessionId, identity.userId), findUserById(deps.db, identity.userId)]);
  if (!live || !user) throw new ApiError(401, "token_revoked", "The session has been signed out");
  return toPublicUser(user);
}
