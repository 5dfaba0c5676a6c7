import { describe, expect, it } from "vitest";
import { render } from "../src/domain/render";
import { TEMPLATES, type TemplateData } from "../src/templates/types";
import { formatDateTime, formatVnd } from "../src/domain/format";

const data: TemplateData = {
  name: "Lan",
  orderId: "ORD123",
  event: { title: "Đêm nhạc Trịnh", venue: "Nhà hát Lớn, Hà Nội", startsAt: "2026-12-12T13:00:00.000Z" },
  totalVnd: 1_200_000,
  amountVnd: 600_000,
  responseCode: "24",
  tickets: [
    { url: "https://t.example/api/tickets/T1/qr.png", label: "VIP" },
    { url: "https://t.example/api/tickets/T2/qr.png", label: "VIP" },
  ],
};

describe("templates", () => {
  it("renders order_confirmed in Vietnamese with ticket links, as text, HTML and SMS", () => {
    const m = render("order_confirmed", "vi", data);
    expect(m.subject).toBe("Vé của bạn cho Đêm nhạc Trịnh");
    expect(m.text).toContain("Xin chào Lan,");
    expect(m.text).toContain("Thanh toán cho đơn hàng ORD123 đã thành công");
    expect(m.text).toContain("Tổng tiền đã thanh toán: 1.200.000 ₫");
    expect(m.text).toContain("20:00 ngày 12/12/2026 (GMT+7)");
    expect(m.text).toContain("- Vé 1 – VIP: https://t.example/api/tickets/T1/qr.png");
    expect(m.text).toContain("- Vé 2 – VIP: https://t.example/api/tickets/T2/qr.png");
    expect(m.html).toContain('<html lang="vi">');
    expect(m.html).toContain('<a href="https://t.example/api/tickets/T1/qr.png">Vé 1 – VIP</a>');
    expect(m.html).toContain("<p>Xin chào Lan,</p>");
    expect(m.sms).toContain("don hang ORD123 da xac nhan cho Dem nhac Trinh");
    expect(m.sms).toMatch(/^[\x20-\x7e]+$/);
  });

  it("renders order_confirmed in English", () => {
    const m = render("order_confirmed", "en", data);
    expect(m.subject).toBe("Your tickets for Đêm nhạc Trịnh");
    expect(m.text).toContain("Hi Lan,");
    expect(m.text).toContain("Total paid: 1,200,000 VND");
    expect(m.text).toContain("12 Dec 2026, 20:00 (GMT+7)");
    expect(m.text).toContain("- Ticket 1 – VIP: https://t.example/api/tickets/T1/qr.png");
    expect(m.html).toContain('<a href="https://t.example/api/tickets/T2/qr.png">Ticket 2 – VIP</a>');
    expect(m.html).toContain('<html lang="en">');
  });

  it("has every template in both languages, each with subject, text, HTML and SMS of its own", () => {
    const expected = {
      vi: {
        payment_failed: ["Thanh toán không thành công cho đơn hàng ORD123", "mã lỗi 24"],
        order_expired: ["Đơn hàng ORD123 đã hết hạn", "chưa được thanh toán kịp thời hạn"],
        order_cancelled: ["Đơn hàng ORD123 đã bị huỷ", "không bị tính tiền"],
        refund_succeeded: ["Hoàn tiền thành công cho đơn hàng ORD123", "Chúng tôi đã hoàn 600.000 ₫"],
        event_reminder: ["Nhắc lịch: Đêm nhạc Trịnh bắt đầu lúc 20:00 ngày 12/12/2026 (GMT+7)", "tại Nhà hát Lớn, Hà Nội"],
        event_cancelled: ["Đã huỷ: Đêm nhạc Trịnh", "được hoàn tiền toàn bộ tự động"],
      },
      en: {
        payment_failed: ["Payment failed for order ORD123", "(code 24)"],
        order_expired: ["Order ORD123 expired", "was not paid in time"],
        order_cancelled: ["Order ORD123 cancelled", "You have not been charged"],
        refund_succeeded: ["Refund for order ORD123 completed", "We refunded 600,000 VND"],
        event_reminder: ["Reminder: Đêm nhạc Trịnh starts 12 Dec 2026, 20:00 (GMT+7)", "at Nhà hát Lớn, Hà Nội"],
        event_cancelled: ["Cancelled: Đêm nhạc Trịnh", "refunded in full automatically"],
      },
    } as const;
    for (const locale of ["vi", "en"] as const) {
      for (const [template, [subject, phrase]] of Object.entries(expected[locale])) {
        const m = render(template as keyof (typeof expected)["vi"], locale, data);
        expect(m.subject).toBe(subject);
        expect(m.text).toContain(phrase);
        expect(m.html).toContain(phrase.replace(/&/g, "&amp;"));
        expect(m.text.startsWith(locale === "vi" ? "Xin chào Lan," : "Hi Lan,")).toBe(true);
        expect(m.sms.length).toBeGreaterThan(10);
        expect(m.sms).toMatch(/^[\x20-\x7e]+$/);
      }
    }
    expect(TEMPLATES).toHaveLength(10);
    expect(TEMPLATES).toContain("daily_report");
  });

  it("renders payment_link with the amount, the deadline in Vietnam time and a pay button", () => {
    const payment = { url: "https://pay.example/vpcpay.html?vnp_TxnRef=ORD123&vnp_Amount=120000000", expiresAt: "2026-12-01T03:15:00.000Z" };
    const vi = render("payment_link", "vi", { ...data, amountVnd: 1_200_000, payment });
    expect(vi.subject).toBe("Thanh toán đơn hàng ORD123");
    expect(vi.text).toContain("Số tiền cần thanh toán: 1.200.000 ₫");
    expect(vi.text).toContain("Vui lòng thanh toán trước 10:15 ngày 01/12/2026 (GMT+7)");
    expect(vi.text).toContain(`Thanh toán ngay: ${payment.url}`);
    expect(vi.html).toMatch(/<a href="https:\/\/pay\.example\/vpcpay\.html\?vnp_TxnRef=ORD123&amp;vnp_Amount=120000000" style="[^"]*">Thanh toán ngay<\/a>/);
    expect(vi.sms).toContain(payment.url);
    expect(vi.sms).toMatch(/^[\x20-\x7e]+$/);
    const en = render("payment_link", "en", { ...data, amountVnd: 1_200_000, payment });
    expect(en.text).toContain("Amount to pay: 1,200,000 VND");
    expect(en.text).toContain("Please pay before 1 Dec 2026, 10:15 (GMT+7)");
    expect(en.html).toContain(">Pay now</a>");
  });

  it("escapes every value in HTML", () => {
    const m = render("order_confirmed", "en", { ...data, name: "<b>x</b>", event: { title: `<script>alert("x")</script>` } });
    expect(m.html).not.toContain("<script>");
    expect(m.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(m.html).toContain("Hi &lt;b&gt;x&lt;/b&gt;,");
    expect(m.text).toContain(`<script>alert("x")</script>`); // plain text is not HTML
  });

  it("renders without optional details", () => {
    const m = render("order_confirmed", "vi", { orderId: "ORD9", tickets: [{ url: "/api/tickets/T9/qr.png" }] });
    expect(m.subject).toBe("Đơn hàng ORD9 đã được xác nhận");
    expect(m.text).toContain("Xin chào,");
    expect(m.text).toContain("- Vé 1: /api/tickets/T9/qr.png");
    expect(m.text).not.toContain("undefined");
    expect(m.text).not.toContain("null");
  });

  it("formats money and Vietnam time by locale", () => {
    expect(formatVnd(0, "vi")).toBe("0 ₫");
    expect(formatVnd(1_234_567, "vi")).toBe("1.234.567 ₫");
    expect(formatVnd(1_234_567, "en")).toBe("1,234,567 VND");
    expect(formatDateTime("2026-12-31T17:30:00Z", "vi")).toBe("00:30 ngày 01/01/2027 (GMT+7)");
    expect(formatDateTime("2026-12-31T17:30:00Z", "en")).toBe("1 Jan 2027, 00:30 (GMT+7)");
  });
});

describe("daily_report", () => {
  const report = { date: "2026-11-27", events: 2, ticketsSold: 12, grossVnd: 4_200_000, refundedVnd: 350_000, netVnd: 3_850_000, url: "https://t.example/api/reports/files/daily/2026-11-27" };
  it("gives the day's figures and the link to the CSV, in Vietnamese and English, text and HTML", () => {
    const vi = render("daily_report", "vi", { name: "Lan", report });
    expect(vi.subject).toBe("Báo cáo doanh thu ngày 2026-11-27");
    expect(vi.text).toContain("Doanh thu gộp: 4.200.000 ₫ · Đã hoàn: 350.000 ₫ · Doanh thu thuần: 3.850.000 ₫");
    expect(vi.text).toContain(report.url);
    expect(vi.html).toContain(`<a href="${report.url}">Báo cáo doanh thu 2026-11-27 (CSV)</a>`);
    const en = render("daily_report", "en", { name: "Lan", report });
    expect(en.subject).toBe("Your sales report for 2026-11-27");
    expect(en.text).toContain("Tickets sold: 12 · Gross: 4,200,000 VND · Refunded: 350,000 VND · Net: 3,850,000 VND");
    expect(en.html).toContain(`<a href="${report.url}">Sales report 2026-11-27 (CSV)</a>`);
    expect(en.sms).toMatch(/^[\x20-\x7e]+$/);
  });
});
