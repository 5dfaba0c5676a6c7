import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "@tickets/common";

// packages/common/src/log.ts: whatever a worker passes to its logger, credentials never reach
// the log line. (e2e/logs.test.ts checks the real stack's logs during a whole purchase.)

const JWT = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImRldiJ9.eyJzdWIiOiJ1MSIsImV4cCI6MTl9.c2lnbmF0dXJlLWJ5dGVz";
const HASH = "a".repeat(64) + "0123456789abcdef".repeat(4);

function logged(fn: () => void): string {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  fn();
  return lines.join("\n");
}
afterEach(() => vi.restoreAllMocks());

describe("log redaction", () => {
  it("drops the values of credential fields, at any depth, keeping the rest of the line", () => {
    const line = logged(() =>
      createLogger({ service: "t" }).info("login", {
        email: "ann@example.com",
        password: "hunter2-correct-horse",
        refreshToken: "r3fr3sh-opaque-value",
        nested: { accessToken: JWT, headers: { authorization: `Bearer ${JWT}`, "x-identity-sig": "c2lnbmF0dXJl" } },
        query: { vnp_TxnRef: "ORDER1", vnp_SecureHash: HASH },
      }),
    );
    for (const secret of ["hunter2-correct-horse", "r3fr3sh-opaque-value", JWT, HASH, "c2lnbmF0dXJl"]) expect(line).not.toContain(secret);
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({ msg: "login", email: "ann@example.com", password: "[redacted]", query: { vnp_TxnRef: "ORDER1", vnp_SecureHash: "[redacted]" } });
  });

  it("masks tokens and VNPAY hashes inside free text (error messages, URLs)", () => {
    const line = logged(() =>
      createLogger().error("upstream_failed", {
        error: `fetch https://pay.example/querydr?vnp_TxnRef=1&vnp_SecureHash=${HASH} failed for Bearer ${JWT}`,
        url: `https://x.example/cb?token=${JWT}`,
      }),
    );
    expect(line).not.toContain(HASH);
    expect(line).not.toContain(JWT);
    expect(JSON.parse(line).error).toContain("vnp_TxnRef=1");
  });
});
