import { describe, expect, it } from "vitest";
import { exportJWK, generateKeyPair } from "jose";
import { createKeyRing, keyRing, publicJwks, signTicketCode, verifyTicketCode } from "../src/domain/codes";
import { callJson, testEnv } from "./helpers";

async function privateJwk(kid: string) {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: "ES256", use: "sig" };
}
const publicOf = ({ d: _d, ...pub }: Record<string, unknown>) => pub;

const claims = { tid: "01TICKET", eid: "01EVENT", v: 1 };

describe("ticket codes", () => {
  it("round-trips: a signed code verifies to its claims, with the kid in the header", async () => {
    const ring = await createKeyRing(JSON.stringify(await privateJwk("k1")));
    const code = await signTicketCode(ring, claims);
    const header = JSON.parse(atob(code.split(".")[0].replace(/-/g, "+").replace(/_/g, "/")));
    expect(header).toEqual({ alg: "ES256", kid: "k1" });
    expect(await verifyTicketCode(ring, code)).toEqual({ ok: true, claims, kid: "k1" });
  });

  it("rejects a tampered payload or signature", async () => {
    const ring = await createKeyRing(JSON.stringify(await privateJwk("k1")));
    const [h, , s] = (await signTicketCode(ring, claims)).split(".");
    const forgedPayload = btoa(JSON.stringify({ ...claims, tid: "01OTHER" })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    expect(await verifyTicketCode(ring, `${h}.${forgedPayload}.${s}`)).toEqual({ ok: false, reason: "bad_signature" });
    const flipped = s.slice(0, 10) + (s[10] === "A" ? "B" : "A") + s.slice(11);
    const [, p] = (await signTicketCode(ring, claims)).split(".");
    expect(await verifyTicketCode(ring, `${h}.${p}.${flipped}`)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects a code signed by another key that claims our kid", async () => {
    const ours = await createKeyRing(JSON.stringify(await privateJwk("k1")));
    const attacker = await createKeyRing(JSON.stringify(await privateJwk("k1")));
    expect(await verifyTicketCode(ours, await signTicketCode(attacker, claims))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects unknown key ids and accepts retired keys only until they expire", async () => {
    const oldKey = await privateJwk("old");
    const oldRing = await createKeyRing(JSON.stringify(oldKey));
    const oldCode = await signTicketCode(oldRing, claims);
    const current = JSON.stringify(await privateJwk("new"));

    const withoutOld = await createKeyRing(current);
    expect(await verifyTicketCode(withoutOld, oldCode)).toEqual({ ok: false, reason: "unknown_key" });

    const future = new Date(Date.now() + 86_400_000).toISOString();
    const rotated = await createKeyRing(current, JSON.stringify({ keys: [{ ...publicOf(oldKey), expiresAt: future }] }));
    expect(await verifyTicketCode(rotated, oldCode)).toMatchObject({ ok: true, kid: "old" });
    expect(publicJwks(rotated).keys.map((k) => k.kid).sort()).toEqual(["new", "old"]);

    const past = new Date(Date.now() - 1000).toISOString();
    const expired = await createKeyRing(current, JSON.stringify({ keys: [{ ...publicOf(oldKey), expiresAt: past }] }));
    expect(await verifyTicketCode(expired, oldCode)).toEqual({ ok: false, reason: "key_expired" });
    expect(publicJwks(expired).keys.map((k) => k.kid)).toEqual(["new"]);
    // New codes are always signed with the current key.
    expect(await verifyTicketCode(rotated, await signTicketCode(rotated, claims))).toMatchObject({ ok: true, kid: "new" });
  });

  it("rejects malformed codes, other algorithms and bad claims", async () => {
    const ring = await createKeyRing(JSON.stringify(await privateJwk("k1")));
    for (const bad of ["", "abc", "a.b", "a.b.c", "x".repeat(5000), 42, null]) {
      expect((await verifyTicketCode(ring, bad)).ok).toBe(false);
    }
    const none = `${btoa(JSON.stringify({ alg: "none", kid: "k1" }))}.${btoa(JSON.stringify(claims))}.`;
    expect(await verifyTicketCode(ring, none)).toEqual({ ok: false, reason: "malformed" });
  });

  it("loads the configured dev key and publishes only public key material", async () => {
    const ring = await keyRing(testEnv);
    expect(await verifyTicketCode(ring, await signTicketCode(ring, claims))).toMatchObject({ ok: true });
    const res = await callJson("GET", "/api/tickets/jwks.json", null);
    expect(res.status).toBe(200);
    expect(res.json.keys.length).toBeGreaterThanOrEqual(1);
    expect(res.json.keys.map((k: { kid: string }) => k.kid)).toContain(ring.kid);
    for (const k of res.json.keys) {
      expect(k).not.toHaveProperty("d");
      expect(k).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    }
  });
});
