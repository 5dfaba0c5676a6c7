import { useRef, useState } from "react";
import { ApiProblem, api, call, newIdempotencyKey } from "../api/client";
import type { EventDetail, QueueState, TicketType } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { useI18n } from "../i18n";
import { navigate } from "../lib/router";
import { rememberPaymentUrl } from "./payment-links";
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
  const [queue, setQueue] = useState<QueueState | null>(null);

  if (event.error && !event.data) return <ErrorMessage error={event.error} onRetry={event.reload} />;
  if (!event.data) return <Spinner />;
  const ev = event.data;
  const zone = ev.timezone;
  const now = Date.now();
  const items = ev.ticketTypes.filter((tt) => (quantities[tt.id] ?? 0) > 0).map((tt) => ({ ticketTypeId: tt.id, quantity: quantities[tt.id] }));
  const total = ev.ticketTypes.reduce((sum, tt) => sum + (quantities[tt.id] ?? 0) * tt.priceVnd, 0);
  const cancelled = ev.status === "cancelled";

  const setQuantity = (tt: TicketType, value: number) => {
    idempotencyKey.current = newIdempotencyKey(); // a different choice is a different purchase
    setQuantities((q) => ({ ...q, [tt.id]: Math.max(0, Math.min(value || 0, tt.maxPerOrder, Math.max(tt.available, 0))) }));
  };

  const joinQueue = async () => {
    try {
      let state = await call(api.POST("/api/events/{id}/queue", { params: { path: { id } } }));
      setQueue(state);
      while (state.state !== "admitted") {
        await new Promise((r) => setTimeout(r, Math.min(Math.max(state.estimatedWaitSeconds, 1), 5) * 1000));
        state = await call(api.GET("/api/events/{id}/queue/me", { params: { path: { id } } }));
        setQueue(state);
      }
      return state.pass;
    } catch (err) {
      setError(err);
      return undefined;
    }
  };

  const buy = async () => {
    setError(null);
    if (status !== "signedIn") {
      navigate(`/login?next=${encodeURIComponent(`/events/${id}`)}`);
      return;
    }
    if (!items.length) {
      setError(new Error(t("event.chooseQuantity")));
      return;
    }
    setBuying(true);
    try {
      let pass = queue?.pass;
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const headers: Record<string, string> = { "idempotency-key": idempotencyKey.current };
          if (pass) headers["queue-pass"] = pass;
          const { order, paymentUrl } = await call(api.POST("/api/orders", { body: { eventId: id, items }, params: { header: headers as never } }));
          if (paymentUrl) {
            rememberPaymentUrl(order.id, paymentUrl);
            location.assign(paymentUrl);
          }
          else navigate(`/orders/${order.id}`);
          return;
        } catch (err) {
          if (err instanceof ApiProblem && err.code === "queue_required" && attempt === 0) {
            pass = await joinQueue();
            if (pass) continue;
          }
          throw err;
        }
      }
    } catch (err) {
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
                  disabled={soldOut || state !== "on" || cancelled}
                  onChange={(e) => setQuantity(tt, Number(e.target.value))}
                />
              </li>
            );
          })}
        </ul>
        <div className="total-row">
          <span>{t("event.total")}</span>
          <Money vnd={total} />
        </div>
        {queue && queue.state === "waiting" && <p className="notice notice-info">{t("event.queueWaiting", { position: queue.position, seconds: queue.estimatedWaitSeconds })}</p>}
        <ErrorMessage error={error} />
        <Button className="btn-large" busy={buying} disabled={cancelled || ev.status !== "published"} onClick={buy}>
          {t("event.buy")}
        </Button>
        {status === "signedOut" && <p className="meta">{t("event.signInToBuy")}</p>}
        {buying && <Spinner label={t("event.buying")} />}
      </section>
    </article>
  );
}
