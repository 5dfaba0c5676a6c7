import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { makeEvent } from "@tickets/common";
import worker from "../src/index";
import { REMINDER_CRON } from "../src/reminders";
import { formatDuration } from "../src/domain/format";
import { deliver, rowsFor, testEnv, type Row } from "./helpers";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Holder = { buyerId: string; buyerEmail: string | null; tickets: number };
const tickets = testEnv.TICKETS_RPC as unknown as {
  scheduleEvent(e: { eventId: string; title: string; venue: string; startsAt: string; holders: Holder[] }): Promise<void>;
};

/** An event starting at `startsAt` with two holders (one Vietnamese, one English speaker), known to the tickets stand-in. */
async function eventAt(startsAt: number, flags = "") {
  const eventId = `evt-at-${startsAt}-${flags}${ulid()}`;
  const holders = [
    { buyerId: `user-vi-${ulid()}`, buyerEmail: null, tickets: 2 },
    { buyerId: `user-en-${ulid()}`, buyerEmail: null, tickets: 1 },
  ];
  await tickets.scheduleEvent({ eventId, title: "Đêm nhạc Trịnh", venue: "Nhà hát Lớn", startsAt: new Date(startsAt).toISOString(), holders });
  return { eventId, holders };
}

/** One cron run as Cloudflare would start it at `at`. */
async function runCron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: REMINDER_CRON }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

const queued = async (eventId: string) =>
  (await testEnv.DB.prepare("SELECT user_id, kind FROM reminders WHERE event_id = ? ORDER BY kind, user_id").bind(eventId).all<{ user_id: string; kind: string }>()).results;

const envelopes = async (eventId: string) =>
  (await testEnv.DB.prepare("SELECT envelope FROM outbox WHERE type = 'EventReminderDue'").all<{ envelope: string }>()).results
    .map((r) => JSON.parse(r.envelope))
    .filter((e) => e.payload.eventId === eventId);

const sent = (eventId: string) => rowsFor("substr(source_id, 1, ?) = ? AND template = 'event_reminder'", `reminder:${eventId}:`.length, `reminder:${eventId}:`);

/** Waits for `n` sent reminders of the event (the queue consumer runs on its own), then a little longer for any extra. */
async function settledReminders(eventId: string, n: number): Promise<Row[]> {
  const deadline = Date.now() + 10_000;
  while ((await sent(eventId)).filter((r) => r.status === "sent").length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300));
  return sent(eventId);
}

describe("reminder cron (24 h and 2 h before the start)", () => {
  it("sends one 24 h reminder per holder, however often (and concurrently) the cron runs", async () => {
    const now = Date.now();
    const { eventId, holders } = await eventAt(now + 24 * HOUR - 5 * MINUTE);
    await Promise.all([runCron(now), runCron(now)]);
    await runCron(now + 15 * MINUTE);
    await runCron(now + 30 * MINUTE);

    expect(await queued(eventId)).toEqual(holders.map((h) => ({ user_id: h.buyerId, kind: "24h" })).sort((a, b) => a.user_id.localeCompare(b.user_id)));
    expect(await envelopes(eventId)).toHaveLength(2);
    const rows = await settledReminders(eventId, 2);
    expect(rows.map((r) => [r.user_id, r.channel, r.status]).sort()).toEqual(holders.map((h) => [h.buyerId, "email", "sent"]).sort());
    const vi = rows.find((r) => r.locale === "vi")!;
    const en = rows.find((r) => r.locale === "en")!;
    expect(vi.subject).toMatch(/^Nhắc lịch: Đêm nhạc Trịnh bắt đầu sau 24 giờ nữa, lúc \d\d:\d\d ngày \d\d\/\d\d\/\d{4} \(GMT\+7\)$/);
    expect(en.subject).toMatch(/^Reminder: Đêm nhạc Trịnh starts in 24 hours, at \d{1,2} \w{3} \d{4}, \d\d:\d\d \(GMT\+7\)$/);
    expect(en.body_text).toContain("at Nhà hát Lớn, Hà Nội");
  });

  it("a late run still sends, and a missed run is caught by the next", async () => {
    const now = Date.now();
    const late = await eventAt(now + 24 * HOUR);
    const missed = await eventAt(now + 24 * HOUR + 1);
    await runCron(now - 15 * MINUTE); // not due yet: 24 h 15 min before
    expect(await queued(late.eventId)).toEqual([]);
    expect(await queued(missed.eventId)).toEqual([]);

    await runCron(now + 7 * MINUTE); // the run due at `now` starts 7 minutes late
    expect((await queued(late.eventId)).map((r) => r.kind)).toEqual(["24h", "24h"]);
    // ...and for `missed` the run at `now` never happened: the run at now + 15 min finds it.
    await runCron(now + 15 * MINUTE);
    expect((await queued(missed.eventId)).map((r) => r.kind)).toEqual(["24h", "24h"]);
    expect(await settledReminders(late.eventId, 2)).toHaveLength(2);
    expect(await settledReminders(missed.eventId, 2)).toHaveLength(2);
  });

  it("sends the 2 h reminder but never a 24 h one once it is due, and nothing after the start", async () => {
    const now = Date.now();
    const soon = await eventAt(now + 90 * MINUTE);
    const tonight = await eventAt(now + 20 * HOUR);
    const started = await eventAt(now - MINUTE);
    await runCron(now);
    expect((await queued(soon.eventId)).map((r) => r.kind)).toEqual(["2h", "2h"]);
    expect(await queued(tonight.eventId)).toEqual([]); // its 24 h window closed 21 h before the start; 2 h not open yet
    expect(await queued(started.eventId)).toEqual([]);

    const rows = await settledReminders(soon.eventId, 2);
    expect(rows.find((r) => r.locale === "en")!.subject).toMatch(/^Reminder: Đêm nhạc Trịnh starts in 1 hour 30 minutes, at /);
    expect(rows.find((r) => r.locale === "vi")!.subject).toMatch(/^Nhắc lịch: Đêm nhạc Trịnh bắt đầu sau 1 giờ 30 phút nữa, lúc /);

    await runCron(now + 91 * MINUTE); // after the start
    expect((await queued(soon.eventId)).map((r) => r.kind)).toEqual(["2h", "2h"]);
  });

  it("a reminder that waited in the queue too long is dropped: no 24 h one once the 2 h one is due, nothing after the start", async () => {
    const now = Date.now();
    const buyerId = `user-en-${ulid()}`;
    const in1h = `evt-at-${now + HOUR}-${ulid()}`;
    const past = `evt-at-${now - MINUTE}-${ulid()}`;
    const result = await deliver([
      makeEvent("EventReminderDue", { eventId: in1h, buyerId, startsAt: new Date(now + HOUR).toISOString(), title: "X", kind: "24h" }),
      makeEvent("EventReminderDue", { eventId: past, buyerId, startsAt: new Date(now - MINUTE).toISOString(), title: "X", kind: "2h" }),
    ]);
    expect(result.explicitAcks).toHaveLength(2);
    expect(await rowsFor("user_id = ?", buyerId)).toEqual([]);
  });

  it("skips a cancelled or rescheduled event and sends a replayed reminder once", async () => {
    const now = Date.now();
    const startsAt = now + 23 * HOUR;
    const buyerId = `user-vi-${ulid()}`;
    const due = (eventId: string, at = startsAt) =>
      makeEvent("EventReminderDue", { eventId, buyerId, startsAt: new Date(at).toISOString(), title: "Đêm nhạc Trịnh", kind: "24h" });
    const cancelled = `evt-at-${startsAt}-cancelled-${ulid()}`;
    const moved = `evt-at-${startsAt + HOUR}-${ulid()}`; // the events worker now says one hour later
    const ok = `evt-at-${startsAt}-${ulid()}`;
    await deliver([due(cancelled), due(moved, startsAt), due(ok)]);
    await deliver([due(ok)]); // a second envelope for the same (event, holder, kind, start)
    const rows = await rowsFor("user_id = ?", buyerId);
    expect(rows.map((r) => [r.source_id, r.status])).toEqual([[`reminder:${ok}:${buyerId}:24h:${startsAt}`, "sent"]]);
    expect(rows[0].body_text).toContain("Đêm nhạc Trịnh bắt đầu sau 23 giờ nữa, lúc ");
  });

  it("says how long until the start the way people do", () => {
    expect([1440, 1262, 150, 119, 45, 3].map((m) => formatDuration(m, "en"))).toEqual(["24 hours", "21 hours", "2 hours 30 minutes", "2 hours", "45 minutes", "a few minutes"]);
    expect([1440, 90, 60, 2].map((m) => formatDuration(m, "vi"))).toEqual(["24 giờ", "1 giờ 30 phút", "1 giờ", "vài phút"]);
  });

  it("counts a reminder the previous hourly job sent as the 24 h one (migration 0003), so nobody hears it twice across the upgrade", async () => {
    const now = Date.now();
    const startsAt = now + 23 * HOUR;
    const { eventId, holders } = await eventAt(startsAt);
    const [remindedBefore, notYet] = holders;
    await testEnv.DB.prepare(
      `INSERT INTO notifications (id, source_id, template, channel, recipient, user_id, locale, subject, body_text, status, created_at, updated_at)
       VALUES (?, ?, 'event_reminder', 'email', 'x@example.test', ?, 'vi', 's', 'b', 'sent', ?, ?)`,
    )
      .bind(ulid(), `reminder:${eventId}:${new Date(startsAt).toISOString()}`, remindedBefore.buyerId, now - HOUR, now - HOUR)
      .run();
    const migrations = (testEnv as unknown as { TEST_MIGRATIONS: Array<{ name: string; queries: string[] }> }).TEST_MIGRATIONS;
    const carryOver = migrations.find((m) => m.name.startsWith("0003_reminders"))!.queries.find((q) => q.includes("INSERT OR IGNORE INTO reminders"))!;
    await testEnv.DB.prepare(carryOver).run();

    await runCron(now);
    expect((await envelopes(eventId)).map((e) => e.payload.buyerId)).toEqual([notYet.buyerId]);
  });
});
