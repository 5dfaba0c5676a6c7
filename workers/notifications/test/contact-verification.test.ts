import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { createLogger, makeEvent } from "@tickets/common";
import { dispatch, type Intent } from "../src/domain/dispatch";
import type { ChannelDriver, OutgoingMessage } from "../src/domain/drivers";
import { dbOf } from "../src/db/client";
import { callAs, deliver, lastCodeTo, rowsFor, testEnv } from "./helpers";

const PHONE = "+84901234567";
const ticketsIssued = (buyerId: string) =>
  makeEvent("TicketsIssued", { orderId: `ord.${buyerId}`, eventId: "evt-1", buyerId, tickets: [{ id: `T-${ulid()}`, code: "c", ticketTypeId: "tt-vip" }] });
const channels = async (sourceId: string) => (await rowsFor("source_id = ?", sourceId)).map((r) => r.channel);

describe("phone verification before SMS", () => {
  it("sends no SMS to an unproven number; the code flow proves it, and then SMS go out", async () => {
    const user = `user-vi-phone-${ulid()}`;
    const before = ticketsIssued(user);
    await deliver([before]);
    expect(await channels(before.id)).toEqual(["email"]);

    const requested = await callAs(user, "POST", "/api/notifications/contacts/phone/verification");
    expect(requested.status).toBe(202);
    expect(requested.json).toMatchObject({ phone: "+84•••••4567", verified: false, expiresAt: expect.any(String) });
    const code = await lastCodeTo(PHONE);
    expect(code).toMatch(/^\d{6}$/);
    // The code is stored only as a hash.
    const stored = await testEnv.DB.prepare("SELECT code_hash FROM contact_verifications WHERE user_id = ?").bind(user).first<{ code_hash: string }>();
    expect(stored!.code_hash).not.toContain(code!);
    expect((await callAs(user, "POST", "/api/notifications/contacts/phone/verification")).json.error.code).toBe("rate_limited");

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const refused = await callAs(user, "POST", "/api/notifications/contacts/phone/verification/confirm", { code: wrong });
    expect(refused).toMatchObject({ status: 400, json: { error: { code: "invalid_code" } } });
    const ok = await callAs(user, "POST", "/api/notifications/contacts/phone/verification/confirm", { code });
    expect(ok).toMatchObject({ status: 200, json: { verified: true } });

    const after = ticketsIssued(user);
    await deliver([after]);
    expect(await channels(after.id)).toEqual(["email", "sms"]);
    expect((await callAs(user, "POST", "/api/notifications/contacts/phone/verification")).json).toMatchObject({ verified: true, expiresAt: null });
  });

  it("locks a code after five wrong tries, refuses malformed codes and callers without a phone", async () => {
    const user = `user-en-phone-${ulid()}`;
    expect((await callAs(user, "POST", "/api/notifications/contacts/phone/verification/confirm", { code: "123456" })).json.error.code).toBe("no_code_pending");
    await callAs(user, "POST", "/api/notifications/contacts/phone/verification");
    const code = (await lastCodeTo(PHONE))!;
    const wrong = String((Number(code) + 7) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < 5; i++) expect((await callAs(user, "POST", "/api/notifications/contacts/phone/verification/confirm", { code: wrong })).status).toBe(400);
    const locked = await callAs(user, "POST", "/api/notifications/contacts/phone/verification/confirm", { code });
    expect(locked).toMatchObject({ status: 429, json: { error: { code: "too_many_attempts" } } });
    expect((await callAs(user, "POST", "/api/notifications/contacts/phone/verification/confirm", { code: "12ab" })).status).toBe(400);
    expect((await callAs(`user-vi-${ulid()}`, "POST", "/api/notifications/contacts/phone/verification")).json.error.code).toBe("no_phone");
  });
});

describe("per-recipient throttle", () => {
  it("drops email/SMS to an address past its hourly cap, without failing the event; a redelivery is not counted", async () => {
    const sent: OutgoingMessage[] = [];
    const driver: ChannelDriver = { async send(m) { sent.push(m); return { providerId: `p-${sent.length}` }; } };
    const deps = { db: dbOf(testEnv), drivers: { email: driver }, log: createLogger({ test: "throttle" }), maxPerRecipientPerHour: 2 };
    const email = `flood-${ulid()}@example.test`;
    const intent = (): Intent => ({ sourceId: ulid(), template: "refund_succeeded", recipient: { userId: null, email, phone: null, locale: "vi", name: null }, data: { orderId: "O", amountVnd: 1 } });
    const first = intent();
    for (const i of [first, intent(), first]) expect((await dispatch(deps, i)).failed).toEqual([]);
    const third = intent();
    const result = await dispatch(deps, third);
    expect(result).toMatchObject({ sent: 0, failed: [] });
    expect(sent.map((m) => m.to)).toEqual([email, email]);
    expect(await rowsFor("source_id = ?", third.sourceId)).toEqual([expect.objectContaining({ status: "dropped", last_error: "recipient_throttled" })]);
  });
});
