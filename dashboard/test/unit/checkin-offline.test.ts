import { beforeAll, describe, expect, it } from "vitest";
import { CompactSign, exportJWK, generateKeyPair } from "jose";
import { verifyTicketCode, type PublicJwk } from "../../src/checkin/jws";
import { checkOffline, rememberOnline, type Bundle, type ScannerState } from "../../src/checkin/scanner";

// Codes are signed here exactly as the tickets worker signs them (compact ES256 JWS with kid),
// and verified by the browser code with WebCrypto (Node has the same API).
let privateKey: CryptoKey;
let jwk: PublicJwk;
let otherPrivate: CryptoKey;

async function sign(claims: object, key = privateKey, kid = "k1") {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: "ES256", kid }).sign(key);
}

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateKey = pair.privateKey as CryptoKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256" } as PublicJwk;
  otherPrivate = (await generateKeyPair("ES256")).privateKey as CryptoKey;
});

describe("verifyTicketCode (WebCrypto)", () => {
  it("accepts a genuine code and returns its claims", async () => {
    const result = await verifyTicketCode(await sign({ tid: "t1", eid: "e1", v: 1 }), { keys: [jwk] });
    expect(result).toEqual({ ok: true, claims: { tid: "t1", eid: "e1", v: 1 }, kid: "k1" });
  });

  it("rejects a code whose payload was changed after signing", async () => {
    const [h, , s] = (await sign({ tid: "t1", eid: "e1", v: 1 })).split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ tid: "t2", eid: "e1", v: 1 })).toString("base64url");
    expect(await verifyTicketCode(`${h}.${forgedPayload}.${s}`, { keys: [jwk] })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects a code signed by another key under the same kid, an unknown kid, an expired key and garbage", async () => {
    expect(await verifyTicketCode(await sign({ tid: "t1", eid: "e1", v: 1 }, otherPrivate), { keys: [jwk] })).toMatchObject({ reason: "bad_signature" });
    expect(await verifyTicketCode(await sign({ tid: "t1", eid: "e1", v: 1 }, privateKey, "k9"), { keys: [jwk] })).toMatchObject({ reason: "unknown_key" });
    const expired = { ...jwk, expiresAt: new Date(Date.now() - 1000).toISOString() };
    expect(await verifyTicketCode(await sign({ tid: "t1", eid: "e1", v: 1 }), { keys: [expired] })).toMatchObject({ reason: "key_expired" });
    expect(await verifyTicketCode("not-a-ticket", { keys: [jwk] })).toMatchObject({ reason: "malformed" });
    expect(await verifyTicketCode("a.b.c", { keys: [jwk] })).toMatchObject({ reason: "malformed" });
  });
});

describe("checkOffline", () => {
  const bundle = (): Bundle => ({
    eventId: "e1",
    generatedAt: new Date().toISOString(),
    jwks: { keys: [jwk] },
    tickets: [
      { id: "valid", ticketTypeId: "tt", status: "valid", version: 1, checkedInAt: null },
      { id: "used", ticketTypeId: "tt", status: "checked_in", version: 1, checkedInAt: "2030-01-01T10:00:00.000Z" },
      { id: "refunded", ticketTypeId: "tt", status: "void", version: 1, checkedInAt: null },
      { id: "reissued", ticketTypeId: "tt", status: "valid", version: 2, checkedInAt: null },
    ],
  });

  it("admits a valid ticket once, then answers already checked in with the time of the first scan", async () => {
    const state: ScannerState = { bundle: bundle(), scans: [] };
    const code = await sign({ tid: "valid", eid: "e1", v: 1 });
    const at = new Date("2030-01-01T11:00:00.000Z");
    expect(await checkOffline("e1", code, state, at)).toEqual({ kind: "admitted", ticketId: "valid", offline: true, unlisted: false });
    expect(state.scans).toEqual([{ code, ticketId: "valid", scannedAt: at.toISOString(), synced: false }]);
    expect(await checkOffline("e1", code, state)).toMatchObject({ kind: "already", checkedInAt: at.toISOString() });
    expect(state.scans).toHaveLength(1);
  });

  it("follows the bundle: checked in, void, superseded version; other events and forgeries are refused", async () => {
    const state: ScannerState = { bundle: bundle(), scans: [] };
    expect(await checkOffline("e1", await sign({ tid: "used", eid: "e1", v: 1 }), state)).toMatchObject({ kind: "already", checkedInAt: "2030-01-01T10:00:00.000Z" });
    expect(await checkOffline("e1", await sign({ tid: "refunded", eid: "e1", v: 1 }), state)).toMatchObject({ kind: "void" });
    expect(await checkOffline("e1", await sign({ tid: "reissued", eid: "e1", v: 1 }), state)).toMatchObject({ kind: "forged", reason: "superseded" });
    expect(await checkOffline("e1", await sign({ tid: "valid", eid: "e2", v: 1 }), state)).toMatchObject({ kind: "other_event" });
    expect(await checkOffline("e1", await sign({ tid: "valid", eid: "e1", v: 1 }, otherPrivate), state)).toMatchObject({ kind: "forged", reason: "bad_signature" });
    expect(state.scans).toHaveLength(0);
  });

  it("admits a genuine ticket issued after the bundle, flagged as unlisted", async () => {
    const state: ScannerState = { bundle: bundle(), scans: [] };
    expect(await checkOffline("e1", await sign({ tid: "new", eid: "e1", v: 1 }), state)).toMatchObject({ kind: "admitted", unlisted: true });
  });

  it("remembers online admissions so an outage right after does not admit the same ticket again", async () => {
    const state: ScannerState = { bundle: bundle(), scans: [] };
    const code = await sign({ tid: "valid", eid: "e1", v: 1 });
    rememberOnline(state, code, { kind: "admitted", ticketId: "valid", offline: false });
    expect(state.scans[0]).toMatchObject({ ticketId: "valid", synced: true });
    expect(await checkOffline("e1", code, state)).toMatchObject({ kind: "already" });
  });
});
