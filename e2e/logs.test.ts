import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { Client, eventually, uniqueEmail } from "./client";
import { payAtSandbox, placeOrder, publishedSale, statusBecomes } from "./saga-helpers";

// Credentials never reach the logs: a whole purchase (register, login, a failed login, refresh,
// order, payment at the sandbox, the return, VNPAY's IPN, a forged IPN) on the booted stack,
// then every JSON log line the workers wrote is scanned for the literal secrets used. Wrangler's
// own dev request lines (not JSON; a local-development artefact) are not part of the check.

const jsonLogLines = () =>
  readFileSync(inject("stackLog"), "utf8")
    .split("\n")
    .map((line) => line.slice(line.indexOf("{")))
    .filter((line) => line.startsWith('{"level"'));

describe("logs", () => {
  it("never contain passwords, access or refresh tokens, or VNPAY secure hashes", async () => {
    const secrets: Record<string, string> = {};
    const password = `pw-${randomUUID()}`;
    const wrongPassword = `wrong-${randomUUID()}`;
    const email = uniqueEmail("logs");
    const buyer = new Client();

    const registered = await buyer.post("/api/auth/register", { email, password, name: "Log Scan" });
    expect(registered.status).toBe(201);
    Object.assign(secrets, { password, wrongPassword, access1: registered.json.accessToken, refresh1: registered.json.refreshToken });
    expect((await new Client().post("/api/auth/login", { email, password: wrongPassword })).status).toBe(401);
    const login = await new Client().post("/api/auth/login", { email, password });
    expect(login.status).toBe(200);
    Object.assign(secrets, { access2: login.json.accessToken, refresh2: login.json.refreshToken });
    const refreshed = await buyer.post("/api/auth/refresh", { refreshToken: login.json.refreshToken });
    expect(refreshed.status).toBe(200);
    Object.assign(secrets, { access3: refreshed.json.accessToken, refresh3: refreshed.json.refreshToken });
    buyer.token = refreshed.json.accessToken;

    const { sale } = await publishedSale({ quantity: 5, priceVnd: 120_000 });
    const placed = await placeOrder(buyer, sale, 1);
    expect(placed.status).toBe(201);
    const orderId = placed.json.order.id as string;
    const paymentUrl = placed.json.paymentUrl as string;
    secrets.paymentUrlHash = new URL(paymentUrl).searchParams.get("vnp_SecureHash")!;
    const returnUrl = await payAtSandbox(paymentUrl, "success");
    secrets.resultHash = new URL(returnUrl!).searchParams.get("vnp_SecureHash")!; // the IPN carries the same
    const back = await buyer.get(new URL(returnUrl!).pathname + new URL(returnUrl!).search);
    expect(back.status).toBe(302);
    await statusBecomes(buyer, orderId, "confirmed");
    const forged = new URLSearchParams({ vnp_TxnRef: orderId, vnp_Amount: "100", vnp_SecureHash: `f0${randomUUID().replace(/-/g, "")}` });
    secrets.forgedHash = forged.get("vnp_SecureHash")!;
    expect((await new Client().get(`/api/payments/vnpay/ipn?${forged}`)).json.RspCode).toBe("97");

    // The capture works: the flow's own lines are there (the IPN's and the forged one's).
    const lines = await eventually(async () => {
      const all = jsonLogLines();
      const seen = (msg: string) => all.some((l) => l.includes(`"msg":"${msg}"`) && l.includes(orderId));
      return seen("vnpay_ipn") && seen("vnpay_callback_unverified") ? all : null;
    }, 15_000);
    expect(Object.values(secrets).every((s) => typeof s === "string" && s.length >= 20)).toBe(true);
    const leaks = Object.entries(secrets).flatMap(([name, secret]) => lines.filter((l) => l.includes(secret)).map((l) => `${name}: ${l.slice(0, 300)}`));
    expect(leaks).toEqual([]);
  });
});
