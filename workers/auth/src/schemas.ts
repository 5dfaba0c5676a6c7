import { z } from "@hono/zod-openapi";

/** Trimmed and lower-cased before it is checked, so " Ann@Example.COM " is ann@example.com. */
const email = z.string().trim().toLowerCase().max(254).email().openapi({ example: "buyer@example.com" });

export const RegisterBody = z
  .object({
    email,
    password: z.string().min(8, "Password must be at least 8 characters").max(128, "Password must be at most 128 characters"),
    name: z.string().trim().min(1).max(100),
    role: z
      .enum(["buyer", "organizer"], { message: "role must be buyer or organizer (admin is never self-assigned)" })
      .optional()
      .openapi({ description: "Defaults to buyer. admin cannot be chosen." }),
    locale: z.enum(["vi", "en"]).optional().openapi({ description: "Language of messages to this user; default vi" }),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9]{8,15}$/, "phone must be 8–15 digits, optionally starting with +")
      .optional(),
  })
  .superRefine((body, ctx) => {
    if (body.password.trim().toLowerCase() === body.email) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "Password must not be the email address" });
    }
  })
  .openapi("RegisterRequest");

export const LoginBody = z.object({ email, password: z.string().min(1).max(128) }).openapi("LoginRequest");

export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) }).openapi("RefreshRequest");

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    roles: z.array(z.enum(["buyer", "organizer", "admin"])),
    locale: z.enum(["vi", "en"]),
    phone: z.string().nullable(),
  })
  .openapi("User");

const tokenFields = {
  accessToken: z.string().openapi({ description: "ES256 JWT, valid about 15 minutes; send as `Authorization: Bearer …`" }),
  refreshToken: z.string().openapi({ description: "Opaque; single use: /api/auth/refresh returns its successor" }),
  expiresIn: z.number().int().openapi({ description: "Access token lifetime in seconds" }),
};

export const Tokens = z.object(tokenFields).openapi("Tokens");
export const AuthResult = z.object({ user: User, ...tokenFields }).openapi("AuthResult");
export const MeResult = z.object({ user: User }).openapi("Me");

export const Jwks = z
  .object({
    keys: z.array(
      z.object({ kty: z.string(), crv: z.string(), x: z.string(), y: z.string(), kid: z.string(), alg: z.string(), use: z.string() }),
    ),
  })
  .openapi("Jwks");
