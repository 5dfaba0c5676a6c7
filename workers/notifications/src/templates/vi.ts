import { formatDateTime, formatDuration, formatVnd } from "../domain/format";
import type { Copy, TemplateData } from "./types";

const when = (d: TemplateData) => (d.event?.startsAt ? formatDateTime(d.event.startsAt, "vi") : null);
const eventLine = (d: TemplateData) =>
  d.event ? `Sự kiện: ${[d.event.title, d.event.venue, when(d)].filter(Boolean).join(" · ")}` : null;
const ticketLinks = (d: TemplateData) =>
  (d.tickets ?? []).map((t, i) => ({ label: `Vé ${i + 1}${t.label ? ` – ${t.label}` : ""}`, url: t.url }));
const again = "Bạn có thể đặt đơn hàng mới nếu vé vẫn còn.";
/** event_reminder: "bắt đầu sau 2 giờ nữa, lúc <giờ Việt Nam>" when the time left is known. */
const startsWhen = (d: TemplateData) =>
  d.startsInMinutes != null ? `bắt đầu sau ${formatDuration(d.startsInMinutes, "vi")} nữa${when(d) ? `, lúc ${when(d)}` : ""}` : `bắt đầu lúc ${when(d) ?? "sắp tới"}`;

export const vi: Copy = {
  greeting: (name) => (name ? `Xin chào ${name},` : "Xin chào,"),
  signoff: ["Trân trọng,", "Edge Tickets"],

  order_confirmed: (d) => ({
    subject: d.event ? `Vé của bạn cho ${d.event.title}` : `Đơn hàng ${d.orderId} đã được xác nhận`,
    paragraphs: [
      `Thanh toán cho đơn hàng ${d.orderId} đã thành công, vé của bạn đã sẵn sàng.`,
      eventLine(d),
      d.totalVnd != null && `Tổng tiền đã thanh toán: ${formatVnd(d.totalVnd, "vi")}`,
      "Vui lòng xuất trình mã QR của từng vé tại cửa vào:",
    ],
    links: ticketLinks(d),
    sms: `Edge Tickets: đơn hàng ${d.orderId} đã xác nhận${d.event ? ` cho ${d.event.title}` : ""}. Vé: ${(d.tickets ?? []).map((t) => t.url).join(" ")}`,
  }),

  payment_failed: (d) => ({
    subject: `Thanh toán không thành công cho đơn hàng ${d.orderId}`,
    paragraphs: [
      `Thanh toán cho đơn hàng ${d.orderId} không thành công${d.responseCode ? ` (mã lỗi ${d.responseCode})` : ""}, vì vậy đơn hàng đã bị huỷ và vé đang giữ đã được trả lại.`,
      eventLine(d),
      again,
    ],
    sms: `Edge Tickets: thanh toán cho đơn hàng ${d.orderId} không thành công; đơn hàng đã bị huỷ.`,
  }),

  payment_link: (d) => ({
    subject: `Thanh toán đơn hàng ${d.orderId}`,
    paragraphs: [
      `Vé của đơn hàng ${d.orderId} đang được giữ cho bạn. Số tiền cần thanh toán: ${formatVnd(d.amountVnd ?? 0, "vi")}.`,
      eventLine(d),
      d.payment && `Vui lòng thanh toán trước ${formatDateTime(d.payment.expiresAt, "vi")}; sau thời điểm đó vé sẽ được trả lại.`,
    ],
    button: d.payment ? { label: "Thanh toán ngay", url: d.payment.url } : undefined,
    sms: `Edge Tickets: thanh toan ${formatVnd(d.amountVnd ?? 0, "vi")} cho don hang ${d.orderId}${d.payment ? ` truoc ${formatDateTime(d.payment.expiresAt, "vi")}: ${d.payment.url}` : ""}`,
  }),

  order_expired: (d) => ({
    subject: `Đơn hàng ${d.orderId} đã hết hạn`,
    paragraphs: [`Đơn hàng ${d.orderId} chưa được thanh toán kịp thời hạn nên vé đang giữ đã được trả lại.`, eventLine(d), again],
    sms: `Edge Tickets: đơn hàng ${d.orderId} đã hết hạn thanh toán; vé đã được trả lại.`,
  }),

  order_cancelled: (d) => ({
    subject: `Đơn hàng ${d.orderId} đã bị huỷ`,
    paragraphs: [`Đơn hàng ${d.orderId} đã bị huỷ và vé đã được trả lại. Bạn không bị tính tiền cho đơn hàng này.`, eventLine(d)],
    sms: `Edge Tickets: đơn hàng ${d.orderId} đã bị huỷ.`,
  }),

  refund_succeeded: (d) => ({
    subject: `Hoàn tiền thành công cho đơn hàng ${d.orderId}`,
    paragraphs: [
      `Chúng tôi đã hoàn ${formatVnd(d.amountVnd ?? 0, "vi")} cho đơn hàng ${d.orderId}. Ngân hàng có thể cần vài ngày để ghi có vào tài khoản của bạn.`,
      eventLine(d),
      "Các vé của đơn hàng này không còn hiệu lực.",
    ],
    sms: `Edge Tickets: đã hoàn ${formatVnd(d.amountVnd ?? 0, "vi")} cho đơn hàng ${d.orderId}.`,
  }),

  support_reply: (d) => ({
    subject: `Phản hồi mới: ${d.support?.subject ?? "yêu cầu hỗ trợ của bạn"}`,
    paragraphs: [
      d.support?.side === "organizer"
        ? "Người mua vừa trả lời một yêu cầu hỗ trợ về sự kiện của bạn."
        : "Ban tổ chức đã trả lời yêu cầu hỗ trợ của bạn.",
      `Tiêu đề: ${d.support?.subject ?? ""}`,
      d.support?.excerpt && `“${d.support.excerpt}”`,
      eventLine(d),
    ],
    links: d.support ? [{ label: "Xem và trả lời", url: d.support.url }] : [],
    sms: `Edge Tickets: phản hồi mới cho "${d.support?.subject ?? "yêu cầu hỗ trợ của bạn"}". ${d.support?.url ?? ""}`.trim(),
  }),

  event_reminder: (d) => ({
    subject: `Nhắc lịch: ${d.event?.title ?? "sự kiện của bạn"} ${startsWhen(d)}`,
    paragraphs: [
      `${d.event?.title ?? "Sự kiện của bạn"} ${startsWhen(d)}${d.event?.venue ? ` tại ${d.event.venue}` : ""}.`,
      "Hãy chuẩn bị sẵn mã QR của vé khi đến cửa vào; mã có trong email xác nhận đơn hàng và trong mục đơn hàng của bạn.",
    ],
    sms: `Edge Tickets: ${d.event?.title ?? "sự kiện của bạn"} ${startsWhen(d)}${d.event?.venue ? ` tại ${d.event.venue}` : ""}. Nhớ mang theo vé QR.`,
  }),

  daily_report: (d) => ({
    subject: `Báo cáo doanh thu ngày ${d.report?.date ?? "hôm qua"}`,
    paragraphs: [
      `Doanh thu của ${d.report?.events ?? 0} sự kiện của bạn trong ngày ${d.report?.date ?? "hôm qua"} (giờ Việt Nam):`,
      d.report &&
        `Vé đã bán: ${d.report.ticketsSold} · Doanh thu gộp: ${formatVnd(d.report.grossVnd, "vi")} · Đã hoàn: ${formatVnd(d.report.refundedVnd, "vi")} · Doanh thu thuần: ${formatVnd(d.report.netVnd, "vi")}`,
      "Báo cáo đầy đủ (CSV) mở được khi bạn đăng nhập bằng tài khoản nhà tổ chức:",
    ],
    links: d.report ? [{ label: `Báo cáo doanh thu ${d.report.date} (CSV)`, url: d.report.url }] : [],
    sms: `Edge Tickets: báo cáo doanh thu ngày ${d.report?.date ?? "hôm qua"}: thuần ${formatVnd(d.report?.netVnd ?? 0, "vi")}.`,
  }),

  event_cancelled: (d) => ({
    subject: `Đã huỷ: ${d.event?.title ?? "sự kiện của bạn"}`,
    paragraphs: [
      `Rất tiếc: ${d.event?.title ?? "sự kiện bạn đã mua vé"} đã bị ban tổ chức huỷ.`,
      eventLine(d),
      d.reason && `Lý do: ${d.reason}`,
      "Mọi đơn hàng đã thanh toán sẽ được hoàn tiền toàn bộ tự động, bạn không cần làm gì thêm; bạn sẽ nhận được thông báo riêng khi từng khoản hoàn tiền hoàn tất. Các đơn hàng chưa thanh toán đã bị huỷ và bạn không bị tính tiền.",
    ],
    sms: `Edge Tickets: ${d.event?.title ?? "sự kiện của bạn"} đã bị huỷ. Đơn hàng đã thanh toán được hoàn tiền toàn bộ tự động.`,
  }),
};
