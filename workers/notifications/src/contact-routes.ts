import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, requireIdentity, type ServiceApp } from "@tickets/common";
import type { Env } from "./env";
import { dbOf } from "./db/client";
import { driversFor } from "./domain/drivers";
import { confirmPhoneCode, requestPhoneCode } from "./domain/verification";

const tags = ["notifications"];
const security = [{ bearer: [] }];
const PhoneVerificationSchema = z
  .object({
    phone: z.string().openapi({ description: "The account's number, masked", example: "+84•••••4567" }),
    verified: z.boolean(),
    expiresAt: z.string().nullable().openapi({ description: "When the code just sent stops working (null once verified)" }),
  })
  .openapi("PhoneVerification");

const requestRoute = createRoute({
  method: "post",
  path: "/api/notifications/contacts/phone/verification",
  operationId: "requestPhoneVerification",
  description:
    "Signed-in callers only. No SMS goes to a phone number before its owner proved it: this sends a 6-digit code to the account's number (at most one a minute; 429 rate_limited otherwise), valid 10 minutes. 409 no_phone when the account has none; already verified answers verified: true and sends nothing.",
  tags,
  security,
  summary: "Send a verification code to the account's phone number",
  responses: { 202: jsonResponse(PhoneVerificationSchema, "Code sent (or already verified)"), ...errorResponses(401, 409, 429, 503) },
});

const confirmRoute = createRoute({
  method: "post",
  path: "/api/notifications/contacts/phone/verification/confirm",
  operationId: "confirmPhoneVerification",
  description:
    "Signed-in callers only. The code from the SMS verifies the number: messages may go to it by SMS from then on. 400 invalid_code for a wrong code (5 tries per code, then 429 too_many_attempts), 409 no_code_pending when none is waiting or it expired.",
  tags,
  security,
  summary: "Confirm the account's phone number with the code it received",
  request: jsonBody(z.object({ code: z.string().regex(/^\d{6}$/, "a 6-digit code") }).openapi("PhoneVerificationCode")),
  responses: { 200: jsonResponse(PhoneVerificationSchema), ...errorResponses(400, 401, 409, 429) },
});

export function contactRoutes(app: ServiceApp<Env>) {
  app.use("/api/notifications/contacts/*", async (c, next) => {
    requireIdentity(c.get("identity")); // 401 before a 400
    await next();
  });
  app.openapi(requestRoute, async (c) => {
    const db = dbOf(c.env);
    const answer = await requestPhoneCode({ db, auth: c.env.AUTH_RPC, drivers: driversFor(c.env, db) }, requireIdentity(c.get("identity")));
    return c.json(answer, 202);
  });
  app.openapi(confirmRoute, async (c) => {
    const answer = await confirmPhoneCode({ db: dbOf(c.env), auth: c.env.AUTH_RPC }, requireIdentity(c.get("identity")), c.req.valid("json").code);
    return c.json(answer, 200);
  });
}
