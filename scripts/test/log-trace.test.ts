import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, currentTrace, makeEvent, parseEnvelope, withTrace } from "@tickets/common";

// packages/common/src/log.ts: the trace (request id, correlation id) a request, queue message or
// cron step runs in is on every line its loggers write and on the events it makes.
// (e2e/timeline.test.ts follows one real order's id through every worker's lines.)

function logged(fn: () => Promise<void> | void) {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
  return Promise.resolve(fn()).then(() => lines.map((l) => JSON.parse(l) as Record<string, unknown>));
}
afterEach(() => vi.restoreAllMocks());

describe("log trace", () => {
  it("puts the current request id and correlation id on every line, across awaits, and nothing outside a trace", async () => {
    const log = createLogger({ service: "orders" });
    const lines = await logged(async () => {
      log.info("before");
      await withTrace({ requestId: "req-1" }, async () => {
        log.info("in_request");
        await new Promise((r) => setTimeout(r, 5));
        await withTrace({ correlationId: "ORDER-1", requestId: undefined }, async () => {
          await Promise.resolve();
          log.info("in_order", { orderId: "ORDER-1" });
        });
        log.info("back_in_request");
      });
    });
    expect(lines.map((l) => [l.msg, l.requestId, l.correlationId])).toEqual([
      ["before", undefined, undefined],
      ["in_request", "req-1", undefined],
      ["in_order", "req-1", "ORDER-1"],
      ["back_in_request", "req-1", undefined],
    ]);
  });

  it("keeps concurrent traces apart", async () => {
    const log = createLogger({ service: "payments" });
    const lines = await logged(async () => {
      await Promise.all(
        ["A", "B", "C"].map((id, i) =>
          withTrace({ requestId: `req-${id}`, correlationId: `order-${id}` }, async () => {
            await new Promise((r) => setTimeout(r, 10 - i * 3));
            log.info("done", { id });
          }),
        ),
      );
    });
    for (const l of lines) expect([l.requestId, l.correlationId]).toEqual([`req-${l.id}`, `order-${l.id}`]);
    expect(lines).toHaveLength(3);
  });

  it("stamps the current request id on the events made in a trace, and the envelope still parses without one", () => {
    const inRequest = withTrace({ requestId: "req-9" }, () =>
      makeEvent("HoldExpired", { orderId: "ORDER-9", eventId: "ev-1" }, { correlationId: "ORDER-9" }),
    );
    expect(inRequest).toMatchObject({ requestId: "req-9", correlationId: "ORDER-9" });
    expect(parseEnvelope(JSON.parse(JSON.stringify(inRequest))).requestId).toBe("req-9");
    const outside = makeEvent("HoldExpired", { orderId: "ORDER-9", eventId: "ev-1" });
    expect("requestId" in outside).toBe(false);
    expect(parseEnvelope(JSON.parse(JSON.stringify(outside))).requestId).toBeUndefined();
    expect(currentTrace()).toEqual({});
  });
});
