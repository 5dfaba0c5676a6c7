import type { EventHandlers, Logger } from "@tickets/common";
import type { Db } from "./db/client";
import type { AuthApi, EventsApi, Locale, OrdersApi } from "./env";
import type { Drivers } from "./domain/drivers";
import { dispatch, settle, type Intent } from "./domain/dispatch";
import { eventDetails, resolveRecipient } from "./domain/recipients";
import { minutesUntil, reminderId, reminderSkipReason } from "./domain/reminder-schedule";

export type HandlerDeps = {
  db: Db;
  drivers: Drivers;
  auth: AuthApi;
  events: EventsApi;
  orders: OrdersApi;
  log: Logger;
  /** Email/SMS messages one address may get per hour (dispatch's default when unset). */
  maxPerRecipientPerHour?: number;
  /** Absolute origin for links ("" keeps them relative). */
  baseUrl: string;
  /** The dashboard's origin, for links to its pages (support conversations); defaults to baseUrl. */
  dashboardUrl?: string;
};

/** One daily report message per organizer and Vietnam day, however often the report is re-run. */
export const dailyReportSourceId = (organizerId: string, date: string) => `daily-report:${organizerId}:${date}`;

/** One payment link message per order. */
export const paymentLinkSourceId = (orderId: string) => `payment-link:${orderId}`;

/** One event_cancelled message per buyer of the event, however many orders they had. */
export const cancellationSourceId = (eventId: string) => `event_cancelled:${eventId}`;

/** Saga event → message. A failed send throws, so the queue retries that event with backoff. */
export function notificationHandlers(deps: HandlerDeps): EventHandlers {
  const { auth, events, orders, log } = deps;
  const send = async (intent: Omit<Intent, "recipient">, who: Parameters<typeof resolveRecipient>[1]) => {
    const recipient = await resolveRecipient(auth, who, log);
    if (!recipient) {
      log.warn("notification_no_recipient", { sourceId: intent.sourceId, template: intent.template, userId: who.userId });
      return;
    }
    settle(await dispatch(deps, { ...intent, recipient }));
  };
  const orderOf = async (orderId: string) => {
    try {
      return await orders.getOrder(orderId);
    } catch (err) {
      log.warn("orders_get_order_failed", { orderId, error: (err as Error).message });
      return null;
    }
  };

  /** Paid orders (OrderEventCancelled) and unpaid ones (OrderCancelled) of a cancelled event: one message per buyer. */
  const eventCancelled = async (p: { eventId: string; buyerId: string; buyerEmail?: string; locale?: Locale; reason: string }) => {
    const summary = await events.getEventSummary(p.eventId).catch((err: Error) => {
      log.warn("events_get_summary_failed", { eventId: p.eventId, error: err.message });
      return null;
    });
    const event = summary ? { title: summary.title, venue: [summary.venue, summary.city].filter(Boolean).join(", "), startsAt: summary.startsAt } : null;
    const reason = summary?.cancellationReason ?? (p.reason === "event_cancelled" ? null : p.reason);
    await send(
      { sourceId: cancellationSourceId(p.eventId), template: "event_cancelled", data: { event, reason } },
      { userId: p.buyerId, email: p.buyerEmail, locale: p.locale },
    );
  };

  return {
    // The link only while the order can still be paid: one already paid, cancelled or expired when
    // this runs gets none. One message per order (sourceId), however often the event arrives.
    PaymentRequested: async (e) => {
      const p = e.payload;
      const order = await orders.getOrder(p.orderId); // orders unreachable: throw, the queue retries
      if (order?.status !== "pending_payment" || Date.parse(p.holdExpiresAt) <= Date.now()) {
        log.info("payment_link_skipped", { orderId: p.orderId, status: order?.status ?? null });
        return;
      }
      await send(
        {
          sourceId: paymentLinkSourceId(p.orderId),
          template: "payment_link",
          data: {
            orderId: p.orderId,
            amountVnd: p.amountVnd,
            event: await eventDetails(events, p.eventId, log),
            payment: { url: p.paymentUrl, expiresAt: p.holdExpiresAt },
          },
        },
        { userId: p.buyerId, email: p.buyerEmail, locale: p.locale },
      );
    },

    TicketsIssued: async (e) => {
      const p = e.payload;
      const [event, order] = await Promise.all([eventDetails(events, p.eventId, log), orderOf(p.orderId)]);
      const names = new Map((order?.items ?? []).map((i) => [i.ticketTypeId, i.name]));
      await send(
        {
          sourceId: e.id,
          template: "order_confirmed",
          data: {
            orderId: p.orderId,
            event,
            totalVnd: order?.totalVnd ?? null,
            tickets: p.tickets.map((t) => ({ url: `${deps.baseUrl}/api/tickets/${t.id}/qr.png`, label: names.get(t.ticketTypeId) ?? null })),
          },
        },
        { userId: p.buyerId, email: p.buyerEmail, locale: p.locale },
      );
    },

    // PaymentFailed names only the order: who bought it comes from the orders worker (a failure there retries).
    PaymentFailed: async (e) => {
      const order = await orders.getOrder(e.payload.orderId);
      if (!order) {
        log.warn("payment_failed_unknown_order", { orderId: e.payload.orderId });
        return;
      }
      await send(
        {
          sourceId: e.id,
          template: "payment_failed",
          data: { orderId: order.id, event: await eventDetails(events, order.eventId, log), responseCode: e.payload.responseCode },
        },
        { userId: order.buyerId, email: order.buyerEmail },
      );
    },

    OrderExpired: async (e) => {
      const p = e.payload;
      await send(
        { sourceId: e.id, template: "order_expired", data: { orderId: p.orderId, event: await eventDetails(events, p.eventId, log) } },
        { userId: p.buyerId, email: p.buyerEmail, locale: p.locale },
      );
    },

    OrderCancelled: async (e) => {
      const p = e.payload;
      // A failed payment cancels the order too; its payment_failed message already says so.
      if (p.reason === "payment_failed") return;
      if (p.reason === "event_cancelled") return eventCancelled(p);
      await send(
        { sourceId: e.id, template: "order_cancelled", data: { orderId: p.orderId, event: await eventDetails(events, p.eventId, log) } },
        { userId: p.buyerId, email: p.buyerEmail, locale: p.locale },
      );
    },

    // The author is sent to /support, the organizer to /organizer/support on the dashboard.
    SupportReplyPosted: async (e) => {
      const p = e.payload;
      const page = p.recipientSide === "organizer" ? "/organizer/support" : "/support";
      await send(
        {
          sourceId: e.id,
          template: "support_reply",
          data: {
            event: await eventDetails(events, p.eventId, log),
            support: { side: p.recipientSide, subject: p.subject, excerpt: p.excerpt, url: `${deps.dashboardUrl ?? deps.baseUrl}${page}` },
          },
        },
        { userId: p.recipientId, email: p.recipientEmail },
      );
    },
    OrderEventCancelled: async (e) => eventCancelled(e.payload),

    RefundSucceeded: async (e) => {
      const p = e.payload;
      await send(
        {
          sourceId: e.id,
          template: "refund_succeeded",
          data: { orderId: p.orderId, amountVnd: p.amountVnd, event: await eventDetails(events, p.eventId, log) },
        },
        { userId: p.buyerId, email: p.buyerEmail, locale: p.locale },
      );
    },

    DailyReportReady: async (e) => {
      const p = e.payload;
      await send(
        { sourceId: dailyReportSourceId(p.organizerId, p.date), template: "daily_report", data: { report: { ...p, url: `${deps.baseUrl}${p.path}` } } },
        { userId: p.organizerId },
      );
    },

    EventReminderDue: async (e) => {
      const p = e.payload;
      const startsAt = Date.parse(p.startsAt);
      const now = Date.now();
      const details = await eventDetails(events, p.eventId, log);
      const skip = reminderSkipReason(p.kind, startsAt, now, details);
      if (skip) {
        log.info("reminder_skipped", { eventId: p.eventId, buyerId: p.buyerId, kind: p.kind, reason: skip });
        return;
      }
      await send(
        {
          sourceId: `reminder:${reminderId(p.eventId, p.buyerId, p.kind, startsAt)}`,
          template: "event_reminder",
          data: { event: { title: p.title, venue: details?.venue ?? null, startsAt: p.startsAt }, startsInMinutes: minutesUntil(startsAt, now) },
        },
        { userId: p.buyerId, email: p.buyerEmail },
      );
    },
  };
}
