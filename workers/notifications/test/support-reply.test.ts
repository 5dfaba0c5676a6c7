import { describe, expect, it } from "vitest";
import { ulid } from "ulid";
import { makeEvent } from "@tickets/common";
import { render } from "../src/domain/render";
import { deliver, listAs, rowsFor } from "./helpers";

const replyPosted = (recipientId: string, extra: Partial<Parameters<typeof makeEvent<"SupportReplyPosted">>[1]> = {}) =>
  makeEvent("SupportReplyPosted", {
    ticketId: `tkt-${ulid()}`,
    messageId: ulid(),
    subject: "Lost my QR code",
    excerpt: "Please check your spam folder",
    recipientId,
    recipientSide: "author",
    eventId: "evt-1",
    ...extra,
  });

describe("support_reply", () => {
  it("tells the ticket's author in their language, with the excerpt and a link to /support on the dashboard", async () => {
    const author = `user-en-${ulid()}`;
    const event = replyPosted(author);
    expect((await deliver([event])).explicitAcks).toHaveLength(1);
    const [row] = await rowsFor("source_id = ?", event.id);
    expect(row).toMatchObject({ template: "support_reply", channel: "email", recipient: `${author}@example.test`, user_id: author, locale: "en", status: "sent" });
    expect(row.subject).toBe("New reply: Lost my QR code");
    expect(row.body_text).toContain("The event team replied to your support request.");
    expect(row.body_text).toContain("“Please check your spam folder”");
    expect(row.body_text).toContain("Event: Đêm nhạc Trịnh");
    expect(row.body_text).toContain("Read and answer: http://localhost:8788/support");
    expect(row.body_html).toContain('<a href="http://localhost:8788/support">Read and answer</a>');

    const listed = await listAs(author);
    expect(listed.json.items).toEqual([expect.objectContaining({ template: "support_reply", subject: "New reply: Lost my QR code", channel: "email" })]);
  });

  it("tells the organizer in Vietnamese with a link to /organizer/support, once however often the event arrives", async () => {
    const organizer = `user-vi-${ulid()}`;
    const event = replyPosted(organizer, { recipientSide: "organizer", subject: "Đổi vé", excerpt: "Tôi muốn đổi sang hạng VIP" });
    await deliver([event]);
    await deliver([event]);
    const rows = await rowsFor("source_id = ?", event.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].subject).toBe("Phản hồi mới: Đổi vé");
    expect(rows[0].body_text).toContain("Người mua vừa trả lời một yêu cầu hỗ trợ về sự kiện của bạn.");
    expect(rows[0].body_text).toContain("“Tôi muốn đổi sang hạng VIP”");
    expect(rows[0].body_text).toContain("http://localhost:8788/organizer/support");
  });

  it("escapes what people wrote in the HTML body and keeps it as written in the text", async () => {
    const author = `user-en-${ulid()}`;
    const event = replyPosted(author, { subject: `<img src=x onerror="alert(1)">`, excerpt: `<script>alert("pwned")</script> & more` });
    await deliver([event]);
    const [row] = await rowsFor("source_id = ?", event.id);
    expect(row.body_html).not.toContain("<script>");
    expect(row.body_html).not.toContain("<img");
    expect(row.body_html).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; more");
    expect(row.body_html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(row.body_text).toContain(`<script>alert("pwned")</script> & more`);
  });

  it("falls back to the email the event carried when auth does not know the user", async () => {
    const event = replyPosted(`unknown-${ulid()}`, { recipientEmail: "author@example.test", eventId: undefined });
    await deliver([event]);
    const [row] = await rowsFor("source_id = ?", event.id);
    expect(row).toMatchObject({ recipient: "author@example.test", locale: "vi", status: "sent" });
    expect(row.body_text).not.toContain("Sự kiện:");
  });

  it("has both languages with text, HTML and an ASCII SMS", () => {
    for (const locale of ["vi", "en"] as const) {
      const m = render("support_reply", locale, { support: { side: "author", subject: "Vé", excerpt: "Xin chào", url: "https://t.example/support" } });
      expect(m.html).toContain(`<html lang="${locale}">`);
      expect(m.text).toContain("https://t.example/support");
      expect(m.sms).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});
