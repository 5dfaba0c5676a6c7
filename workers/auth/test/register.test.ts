import { describe, expect, it } from "vitest";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { authRpc, call, freshEmail, freshIp, registerUser } from "./helpers";

const register = (body: unknown) => call("POST", "/api/auth/register", { body, ip: freshIp() });

describe("POST /api/auth/register", () => {
  it("creates a buyer by default and signs them in (201 user + tokens)", async () => {
    const email = freshEmail("reg");
    const res = await register({ email, password: "long enough pw", name: "Lan" });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      user: { id: expect.any(String), email, name: "Lan", roles: ["buyer"], locale: "vi", phone: null },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
    });
    const claims = decodeJwt(res.json.accessToken);
    expect(claims).toMatchObject({ iss: "tickets-auth", aud: "tickets-api", sub: res.json.user.id, email, roles: ["buyer"] });
    expect(claims.sid).toEqual(expect.any(String));
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(decodeProtectedHeader(res.json.accessToken)).toMatchObject({ alg: "ES256", kid: "dev-2026-01" });
  });

  it("normalises the email (trim, lower case) and stores locale and phone", async () => {
    const email = freshEmail("norm");
    const res = await register({ email: `  ${email.toUpperCase()} `, password: "long enough pw", name: "An", locale: "en", phone: "+84901234567" });
    expect(res.status).toBe(201);
    expect(res.json.user.email).toBe(email);
    expect(await authRpc().getUser(res.json.user.id)).toEqual({
      id: res.json.user.id,
      email,
      name: "An",
      roles: ["buyer"],
      locale: "en",
      phone: "+84901234567",
    });
  });

  it("lets a user choose organizer", async () => {
    const res = await register({ email: freshEmail("org"), password: "long enough pw", name: "Org", role: "organizer" });
    expect(res.status).toBe(201);
    expect(res.json.user.roles).toEqual(["organizer"]);
    expect(decodeJwt(res.json.accessToken).roles).toEqual(["organizer"]);
  });

  it("never lets anyone make themselves admin (400)", async () => {
    const email = freshEmail("wannabe");
    const res = await register({ email, password: "long enough pw", name: "Eve", role: "admin" });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_request");
    expect(res.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: "role" })]));
    expect(await authRpc().findUserByEmail(email)).toBeNull();
  });

  it("answers 409 email_taken for an existing email, whatever its case", async () => {
    const { user } = await registerUser();
    const res = await register({ email: user.email.toUpperCase(), password: "another password", name: "Dup" });
    expect(res.status).toBe(409);
    expect(res.json).toEqual({ error: { code: "email_taken", message: expect.any(String) } });
  });

  it.each([
    ["a short password", { password: "short7!" }, "password"],
    ["a password over 128 characters", { password: "x".repeat(129) }, "password"],
    ["the email as password", { email: "same@example.test", password: " Same@Example.test" }, "password"],
    ["a malformed email", { email: "not-an-email" }, "email"],
    ["a missing name", { name: undefined }, "name"],
    ["an unknown locale", { locale: "fr" }, "locale"],
    ["a malformed phone", { phone: "call me" }, "phone"],
  ])("rejects %s with 400 invalid_request and zod details", async (_what, override, path) => {
    const res = await register({ email: freshEmail("bad"), password: "long enough pw", name: "Bad", ...override });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_request");
    expect(res.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it("rejects a body that is not JSON with 400", async () => {
    const res = await call("POST", "/api/auth/register", { body: "{nope", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_request");
  });
});
