import { useRef, useState } from "react";
import { ApiProblem, api, call, newIdempotencyKey } from "../api/client";
import type { EventDetail, TicketType } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { useI18n } from "../i18n";
import { navigate } from "../lib/router";
import { rememberPaymentUrl } from "./payment-links";
import { QueuePanel } from "./event/QueuePanel";
import { useWaitingRoom } from "./event/useWaitingRoom";
import { Button, DateTime, ErrorMessage, Field, Money, PageTitle, Spinner, formatDateTime, useApi, usePolling } from "../components";

const LIVE_MS = 5000;

function saleState(tt: TicketType, now: number): "on" | "soon" | "ended" {
  if (tt.salesStartAt && Date.parse(tt.salesStartAt) > now) return "soon";
  if (tt.salesEndAt && Date.parse(tt.salesEndAt) <= now) return "ended";
  return "on";
}

export function EventPage({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const { status } = useAuth();
  const event = useApi(() => call(api.GET("/api/events/{id}", { params: { path: { id } } })).then((r) => r.event as EventDetail), [id]);
  // Live availability: refetch quietly every few seconds.
  usePolling(() => void event.reload(), LIVE_MS, !!event.data);

  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const idempotencyKey = useRef<string>(newIdempotencyKey());
  const [buying, setBuying] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The waiting room: while it is on, a buyer without a pass sees the queue instead of Buy.
  const queueActive = !!event.data?.queue?.active;
  const room = useWaitingRoom(id, queueActive && status === "signedIn");

  if (event.error && !event.data) return <ErrorMessage error={event.error} onRetry={event.reload} />;
  if (!event.data) return <Spinner />;
  const ev = event.data;
  const zone = ev.timezone;
  const now = Date.now();
  const items = ev.ticketTypes.filter((tt) => (quantities[tt.id] ?? 0) > 0).map((tt) => ({ ticketTypeId: tt.id, quantity: quantities[tt.id] }));
  const total = ev.ticketTypes.reduce((sum, tt) => sum + (quantities[tt.id] ?? 0) * tt.priceVnd, 0);
  const cancelled = ev.status === "cancelled";
  const waitingRoom = queueActive && !room.pass && ev.status === "published";
  const signIn = () => navigate(`/login?next=${encodeURIComponent(`/events/${id}`)}`);

  const setQuantity = (tt: TicketType, value: number) => {
    idempotencyKey.current = newIdempotencyKey(); // a different choice is a different purchase
    setQuantities((q) => ({ ...q, [tt.id]: Math.max(0, Math.min(value || 0, tt.maxPerOrder, Math.max(tt.available, 0))) }));
  };

  const buy = async () => {
    setError(null);
    if (status !== "signedIn") {
      signIn();
      return;
    }
    if (!items.length) {
      setError(new Error(t("event.chooseQuantity")));
      return;
    }
    setBuying(true);
    try {
      const headers = { "idempotency-key": idempotencyKey.current, ...(room.pass ? { "queue-pass": room.pass.pass } : {}) };
      const { order, paymentUrl } = await call(api.POST("/api/orders", { body: { eventId: id, items }, params: { header: headers } }));
      if (paymentUrl) {
        rememberPaymentUrl(order.id, paymentUrl);
        location.assign(paymentUrl);
      } else navigate(`/orders/${order.id}`);
    } catch (err) {
      // The pass expired, or the room was switched on meanwhile: back to the queue panel.
      if (err instanceof ApiProblem && err.code === "queue_required") room.passRefused();
      setError(err);
      setBuying(false);
      void event.reload();
    }
  };

  return (
    <article className="two-col">
      <div>
        <PageTitle>{ev.title}</PageTitle>
        {ev.status === "draft" && <p className="notice notice-warn">{t("event.draft")}</p>}
        {cancelled && <p className="notice notice-error">{t("event.cancelled")}</p>}
        <dl className="facts">
          <dt>{t("event.when")}</dt>
          <dd>
            <DateTime iso={ev.startsAt} timeZone={zone} />
          </dd>
          <dt>{t("event.where")}</dt>
          <dd>{[ev.venue, ev.city].filter(Boolean).join(", ")}</dd>
        </dl>
        {ev.description && <p className="description">{ev.description}</p>}
        <h2>{t("event.refundPolicy")}</h2>
        <p>
          {ev.refundPolicy.fullRefundUntilHours > 0 && t("event.refundFull", { hours: ev.refundPolicy.fullRefundUntilHours })}{" "}
          {ev.refundPolicy.partialRefundPercent > 0 &&
            t("event.refundPartial", { percent: ev.refundPolicy.partialRefundPercent, hours: ev.refundPolicy.partialRefundUntilHours })}{" "}
          {t("event.refundNone")}
        </p>
      </div>
      <section className="card stack" aria-labelledby="tickets-heading">
        <h2 id="tickets-heading">{t("event.tickets")}</h2>
        <ul className="list" aria-live="polite">
          {ev.ticketTypes.map((tt) => {
            const state = saleState(tt, now);
            const soldOut = tt.available <= 0;
            return (
              <li key={tt.id} className="ticket-type">
                <div>
                  <h3>{tt.name}</h3>
                  <div className="price">{tt.priceVnd === 0 ? t("money.free") : <Money vnd={tt.priceVnd} />}</div>
                  <div className="meta" data-testid={`available-${tt.id}`}>
                    {soldOut ? t("event.soldOut") : state === "soon" ? t("event.notOnSaleYet", { time: formatDateTime(tt.salesStartAt!, locale, zone ?? undefined, "short") }) : state === "ended" ? t("event.salesEnded") : t("event.available", { count: tt.available })}
                  </div>
                  <div className="meta">{t("event.maxPerOrder", { count: tt.maxPerOrder })}</div>
                </div>
                <Field
                  label={t("event.quantity", { name: tt.name })}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={Math.min(tt.maxPerOrder, Math.max(tt.available, 0))}
                  value={quantities[tt.id] ?? 0}
                  disabled={soldOut || state !== "on" || cancelled || waitingRoom}
                  onChange={(e) => setQuantity(tt, Number(e.target.value))}
                />
              </li>
            );
          })}
        </ul>
        {waitingRoom ? (
          <>
            <ErrorMessage error={error} />
            <QueuePanel room={room} signedIn={status === "signedIn"} onSignIn={signIn} timeZone={zone} />
          </>
        ) : (
          <>
            {room.pass && (
              <p className="notice notice-ok" role="status" data-testid="queue-turn">
                {room.pass.expiresAt ? t("queue.yourTurn", { time: formatDateTime(room.pass.expiresAt, locale, zone ?? undefined, "short") }) : t("queue.yourTurnNoTime")}
              </p>
            )}
            <div className="total-row">
              <span>{t("event.total")}</span>
              <Money vnd={total} />
            </div>
            <ErrorMessage error={error} />
            <Button className="btn-large" busy={buying} disabled={cancelled || ev.status !== "published"} onClick={buy}>
              {t("event.buy")}
            </Button>
            {status === "signedOut" && <p className="meta">{t("event.signInToBuy")}</p>}
          </>
        )}
        {buying && <Spinner label={t("event.buying")} />}
      </section>
    </article>
  );
}
