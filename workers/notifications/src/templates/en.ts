import { formatDateTime, formatVnd } from "../domain/format";
import type { Copy, TemplateData } from "./types";

const when = (d: TemplateData) => (d.event?.startsAt ? formatDateTime(d.event.startsAt, "en") : null);
const eventLine = (d: TemplateData) =>
  d.event ? `Event: ${[d.event.title, d.event.venue, when(d)].filter(Boolean).join(" · ")}` : null;
const ticketLinks = (d: TemplateData) =>
  (d.tickets ?? []).map((t, i) => ({ label: `Ticket ${i + 1}${t.label ? ` – ${t.label}` : ""}`, url: t.url }));
const again = "You can place a new order while tickets are still available.";

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

  event_reminder: (d) => ({
    subject: `Reminder: ${d.event?.title ?? "your event"} starts ${when(d) ?? "soon"}`,
    paragraphs: [
      `${d.event?.title ?? "Your event"} starts ${when(d) ?? "soon"}${d.event?.venue ? ` at ${d.event.venue}` : ""}.`,
      "Have your ticket QR codes ready at the entrance; they are in your order confirmation email and in your orders.",
    ],
    sms: `Edge Tickets: ${d.event?.title ?? "your event"} starts ${when(d) ?? "soon"}${d.event?.venue ? ` at ${d.event.venue}` : ""}. Bring your QR tickets.`,
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
