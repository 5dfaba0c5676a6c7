import { describe, expect, it } from "vitest";
import { CRONS, runCron } from "../src/cron";
import { call, confirmed, deliver, eventOf, refunded, testEnv, type Item } from "./helpers";

const seat = (quantity: number): Item => ({ ticketTypeId: "tt-seat", name: "Ghế ngồi", unitPriceVnd: 300_000, quantity });

async function notices(organizerId: string) {
  const { results } = await testEnv.DB.prepare("SELECT envelope FROM outbox WHERE type = 'DailyReportReady' AND envelope LIKE ?")
    .bind(`%"organizerId":"${organizerId}"%`)
    .all<{ envelope: string }>();
  return results.map((r) => JSON.parse(r.envelope));
}

// The daily run at 07:00 in Vietnam (00:00 UTC) on 2026-10-02 covers the Vietnam day 2026-10-01.
const RUN_AT = Date.parse("2026-10-02T00:00:00.000Z");
const DAY = "2026-10-01";

describe("daily organizer report (07:00 Vietnam time)", () => {
  it("writes yesterday's CSV per organizer to R2, announces it once, and re-runs overwrite without a second notice", async () => {
    const first = await eventOf("Hòa nhạc mùa thu");
    const organizer = first.organizer;
    const { eventId: second } = await eventOf("Second show", organizer);
    const other = await eventOf("Not theirs");

    await deliver(
      confirmed(first.eventId, `${first.eventId}:o1`, [seat(2)], "2026-09-30T17:05:00.000Z"), // 00:05 on Oct 1 in Vietnam
      confirmed(first.eventId, `${first.eventId}:o0`, [seat(5)], "2026-09-30T16:55:00.000Z"), // still Sep 30 in Vietnam
      confirmed(other.eventId, `${other.eventId}:o1`, [seat(1)], "2026-10-01T05:00:00.000Z"),
      confirmed(second, `${second}:o1`, [seat(1)], "2026-10-01T10:00:00.000Z"),
    );

    await runCron(CRONS.dailyReports, testEnv, RUN_AT);
    const key = `daily/${organizer.userId}/${DAY}.csv`;
    const file = await testEnv.REPORTS_BUCKET.get(key);
    expect(file).not.toBeNull();
    const lines = new TextDecoder("utf-8", { ignoreBOM: true, fatal: false }).decode(await file!.arrayBuffer()).slice(1).split("\r\n");
    expect(lines).toEqual([
      "event_id,event,ticket_type_id,ticket_type,tickets_sold,gross_vnd,refunded_vnd,net_vnd,orders,check_ins",
      `${first.eventId},Hòa nhạc mùa thu,tt-seat,Ghế ngồi,2,600000,0,600000,,0`,
      `${first.eventId},Hòa nhạc mùa thu,,total,2,600000,0,600000,1,0`,
      `${second},Second show,tt-seat,Ghế ngồi,1,300000,0,300000,,0`,
      `${second},Second show,,total,1,300000,0,300000,1,0`,
      ",TOTAL,,,3,900000,0,900000,2,0",
      "",
    ]);
    const [notice] = await notices(organizer.userId);
    expect(notice.payload).toEqual({
      organizerId: organizer.userId,
      date: DAY,
      events: 2,
      ticketsSold: 3,
      grossVnd: 900_000,
      refundedVnd: 0,
      netVnd: 900_000,
      path: `/api/reports/files/daily/${DAY}`,
    });

    // A refund landing later that same day, then the job runs again: new file, no second notice.
    await deliver(refunded(first.eventId, `${first.eventId}:o1`, `${first.eventId}:r1`, 300_000, "2026-10-01T15:00:00.000Z"));
    await runCron(CRONS.dailyReports, testEnv, RUN_AT);
    expect(await notices(organizer.userId)).toHaveLength(1);
    const again = await call(`/api/reports/files/daily/${DAY}`, organizer);
    expect(again.status).toBe(200);
    expect(again.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(again.text.split("\r\n")).toContain(",TOTAL,,,3,900000,300000,600000,2,0");

    // The other organizer gets their own report; nobody reads another's.
    expect(await notices(other.organizer.userId)).toHaveLength(1);
    const theirs = await call(`/api/reports/files/daily/${DAY}`, other.organizer);
    expect(theirs.text).toContain("Not theirs");
    expect(theirs.text).not.toContain("Hòa nhạc");
    const none = await call(`/api/reports/files/daily/2026-09-15`, organizer);
    expect(none.status).toBe(404);
    expect(none.json.error.code).toBe("report_not_found");
    expect((await call(`/api/reports/files/daily/yesterday`, organizer)).status).toBe(400);
  });
});
