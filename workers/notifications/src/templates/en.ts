import { formatDateTime, formatDuration, formatVnd } from "../domain/format";
import type { Copy, TemplateData } from "./types";

const when = (d: TemplateData) => (d.event?.startsAt ? formatDateTime(d.event.startsAt, "en") : null);
const eventLine = (d: TemplateData) =>
  d.event ? `Event: ${[d.event.title, d.event.venue, when(d)].filter(Boolean).join(" · ")}` : null;
const ticketLinks = (d: TemplateData) =>
  (d.tickets ?? []).map((t, i) => ({ label: `Ticket ${i + 1}${t.label ? ` – ${t.label}` : ""}`, url: t.url }));
const again = "You can place a new order while tickets are still available.";
/** event_reminder: "starts in 2 hours, at <Vietnam time>" when the time left is known. */
const startsWhen = (d: TemplateData) =>
  d.startsInMinutes != null ? `starts in ${formatDuration(d.startsInMinutes, "en")}${when(d) ? `, at ${when(d)}` : ""}` : `starts ${when(d) ?? "soon"}`;

export const en: Copy = {
  greeting: (name) => (name ? `Hi ${name},` : "Hello,"),
  signoff: ["Thank you,", "Edge Tickets"],

  order_confirmed: (d) => ({
    subject: d.event ? `Your tickets for ${d.event.title}` : `Order ${d.orderId} is confirmed`,
    paragraphs: [
      `Your payment for order ${d.orderId} went through and your tickets are ready.`,
      eventLine(d),
      d.totalVnd != null && `Total paid: ${formatVnd(d.totalVnd, "en")}`,
      "Show each ticket's QR code at the entrance:",
    ],
    links: ticketLinks(d),
    sms: `Edge Tickets: order ${d.orderId} confirmed${d.event ? ` for ${d.event.title}` : ""}. Tickets: ${(d.tickets ?? []).map((t) => t.url).join(" ")}`,
  }),

  payment_failed: (d) => ({
    subject: `Payment failed for order ${d.orderId}`,
    paragraphs: [
      `The payment for order ${d.orderId} did not go through${d.responseCode ? ` (code ${d.responseCode})` : ""}, so the order was cancelled and its tickets released.`,
      eventLine(d),
      again,
    ],
    sms: `Edge Tickets: payment for order ${d.orderId} failed; the order was cancelled.`,
  }),

  payment_link: (d) => ({
    subject: `Pay for order ${d.orderId}`,
    paragraphs: [
      `Your tickets for order ${d.orderId} are held for you. Amount to pay: ${formatVnd(d.amountVnd ?? 0, "en")}.`,
      eventLine(d),
      d.payment && `Please pay before ${formatDateTime(d.payment.expiresAt, "en")}; after that the tickets are released.`,
    ],
    button: d.payment ? { label: "Pay now", url: d.payment.url } : undefined,
    sms: `Edge Tickets: pay ${formatVnd(d.amountVnd ?? 0, "en")} for order ${d.orderId}${d.payment ? ` before ${formatDateTime(d.payment.expiresAt, "en")}: ${d.payment.url}` : ""}`,
  }),

  order_expired: (d) => ({
    subject: `Order ${d.orderId} expired`,
    paragraphs: [`Order ${d.orderId} was not paid in time, so the tickets held for it were released.`, eventLine(d), again],
    sms: `Edge Tickets: order ${d.orderId} expired before payment; the tickets were released.`,
  }),

  order_cancelled: (d) => ({
    subject: `Order ${d.orderId} cancelled`,
    paragraphs: [`Order ${d.orderId} has been cancelled and its tickets released. You have not been charged for it.`, eventLine(d)],
    sms: `Edge Tickets: order ${d.orderId} was cancelled.`,
  }),

  refund_succeeded: (d) => ({
    subject: `Refund for order ${d.orderId} completed`,
    paragraphs: [
      `We refunded ${formatVnd(d.amountVnd ?? 0, "en")} for order ${d.orderId}. Your bank may take a few days to show it.`,
      eventLine(d),
      "The tickets of this order are no longer valid.",
    ],
    sms: `Edge Tickets: refund of ${formatVnd(d.amountVnd ?? 0, "en")} for order ${d.orderId} completed.`,
  }),

  support_reply: (d) => ({
    subject: `New reply: ${d.support?.subject ?? "your support request"}`,
    paragraphs: [
      d.support?.side === "organizer"
        ? "A buyer replied on a support ticket about your event."
        : "The event team replied to your support request.",
      `Subject: ${d.support?.subject ?? ""}`,
      d.support?.excerpt && `“${d.support.excerpt}”`,
      eventLine(d),
    ],
    links: d.support ? [{ label: "Read and answer", url: d.support.url }] : [],
    sms: `Edge Tickets: new reply on "${d.support?.subject ?? "your support request"}". ${d.support?.url ?? ""}`.trim(),
  }),

  event_reminder: (d) => ({
    subject: `Reminder: ${d.event?.title ?? "your event"} ${startsWhen(d)}`,
    paragraphs: [
      `${d.event?.title ?? "Your event"} ${startsWhen(d)}${d.event?.venue ? ` at ${d.event.venue}` : ""}.`,
      "Have your ticket QR codes ready at the entrance; they are in your order confirmation email and in your orders.",
    ],
    sms: `Edge Tickets: ${d.event?.title ?? "your event"} ${startsWhen(d)}${d.event?.venue ? ` at ${d.event.venue}` : ""}. Bring your QR tickets.`,
  }),

  daily_report: (d) => ({
    subject: `Your sales report for ${d.report?.date ?? "yesterday"}`,
    paragraphs: [
      `Sales of your ${d.report?.events ?? 0} event(s) on ${d.report?.date ?? "yesterday"} (Vietnam time):`,
      d.report &&
        `Tickets sold: ${d.report.ticketsSold} · Gross: ${formatVnd(d.report.grossVnd, "en")} · Refunded: ${formatVnd(d.report.refundedVnd, "en")} · Net: ${formatVnd(d.report.netVnd, "en")}`,
      "The full report (CSV) opens when you are signed in to your organizer account:",
    ],
    links: d.report ? [{ label: `Sales report ${d.report.date} (CSV)`, url: d.report.url }] : [],
    sms: `Edge Tickets: sales report for ${d.report?.date ?? "yesterday"}: net ${formatVnd(d.report?.netVnd ?? 0, "en")}.`,
  }),

  event_cancelled: (d) => ({
    subject: `Cancelled: ${d.event?.title ?? "your event"}`,
    paragraphs: [
      `We are sorry: ${d.event?.title ?? "an event you bought tickets for"} has been cancelled by its organizer.`,
      eventLine(d),
      d.reason && `Reason given: ${d.reason}`,
      "Every paid order is refunded in full automatically, with no action needed from you; you will get a separate message when each refund completes. Unpaid orders were cancelled and nothing was charged.",
    ],
    sms: `Edge Tickets: ${d.event?.title ?? "your event"} was cancelled. Paid orders are refunded in full automatically.`,
  }),
};
