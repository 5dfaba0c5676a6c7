import { createRoute, type z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, requireIdentity, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { authDb } from "./db/client";
import { login, logout, me, refresh, register } from "./domain/accounts";
import { publicJwks } from "./domain/keys";
import { AuthResult, Jwks, LoginBody, MeResult, RefreshBody, RegisterBody, Tokens } from "./schemas";

const tags = ["auth"];
const bearer = [{ bearer: [] }];

const registerRoute = createRoute({
  method: "post",
  path: "/api/auth/register",
  operationId: "register",
  description: "Anyone may call it. Creates the account (role buyer unless organizer is asked for) and answers its tokens; 409 email_taken when the email is already registered, 400 when the password is shorter than 8 characters, 429 when one client registers too often.",
  tags,
  summary: "Create an account (buyer by default, or organizer) and sign in",
  request: jsonBody(RegisterBody),
  responses: { 201: jsonResponse(AuthResult, "Created and signed in"), ...errorResponses(400, 409, 429) },
});

const loginRoute = createRoute({
  method: "post",
  path: "/api/auth/login",
  operationId: "login",
  tags,
  summary: "Sign in with email and password",
  description:
    "401 invalid_credentials for an unknown email and a wrong password alike. Within 15 minutes, after 5 failures for " +
    "one account from one client address, 20 from one address across accounts, or 50 for one account across " +
    "addresses: 429 rate_limited with Retry-After.",
  request: jsonBody(LoginBody),
  responses: { 200: jsonResponse(AuthResult, "Signed in"), ...errorResponses(400, 401, 429) },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/api/auth/refresh",
  operationId: "refreshTokens",
  tags,
  summary: "Swap a refresh token for a new access token and refresh token",
  description: "Each refresh token works once. Using a spent one again is treated as theft: 401 and the whole session is revoked.",
  request: jsonBody(RefreshBody),
  responses: { 200: jsonResponse(Tokens, "New tokens"), ...errorResponses(400, 401, 429) },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/api/auth/logout",
  operationId: "logout",
  description: "Signed-in callers only (401 otherwise). The access token stops working at once everywhere, and so do the session's refresh tokens.",
  tags,
  security: bearer,
  summary: "Sign out: revokes the session (its access token and refresh tokens) at once",
  responses: { 204: { description: "Signed out" }, ...errorResponses(401) },
});

const meRoute = createRoute({
  method: "get",
  path: "/api/auth/me",
  operationId: "getMe",
  description: "Signed-in callers only: answers the caller's id, email, name and role; 401 without a valid access token.",
  tags,
  security: bearer,
  summary: "The signed-in user",
  responses: { 200: jsonResponse(MeResult), ...errorResponses(401) },
});

const jwksRoute = createRoute({
  method: "get",
  path: "/api/auth/jwks.json",
  operationId: "getAuthJwks",
  description: "Public and cacheable: the ES256 public keys (current and not yet expired previous ones) that verify the platform's access tokens.",
  tags,
  summary: "Public keys that verify access tokens (JWKS)",
  responses: { 200: jsonResponse(Jwks) },
});

export function mountRoutes(app: ServiceApp<Env>) {
  const deps = (env: Env) => ({ env, db: authDb(env.DB) });

  app.openapi(registerRoute, async (c) => c.json(await register(deps(c.env), c.req.valid("json")), 201));

  app.openapi(loginRoute, async (c) =>
    c.json(await login(deps(c.env), c.req.valid("json"), c.req.header("cf-connecting-ip") ?? null), 200),
  );

  app.openapi(refreshRoute, async (c) => c.json(await refresh(deps(c.env), c.req.valid("json").refreshToken), 200));

  app.openapi(logoutRoute, async (c) => {
    await logout(deps(c.env), requireIdentity(c.get("identity")));
    return c.body(null, 204);
  });

  app.openapi(meRoute, async (c) => c.json({ user: await me(deps(c.env), requireIdentity(c.get("identity"))) }, 200));

  app.openapi(jwksRoute, async (c) => {
    c.header("cache-control", "public, max-age=300");
    return c.json((await publicJwks(c.env)) as z.infer<typeof Jwks>, 200);
  });
}
