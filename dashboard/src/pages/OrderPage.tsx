import { useEffect, useState, type FormEvent } from "react";
import { api, call } from "../api/client";
import type { EventDetail, Order, OrderStatus, Refund } from "../api/types";
import { useI18n } from "../i18n";
import { Link, useSearchParam } from "../lib/router";
import { Button, DateTime, ErrorMessage, Money, PageTitle, Spinner, StatusBadge, TextArea, formatDateTime, formatVnd, useAction, useApi, usePolling } from "../components";
import { paymentUrlFor } from "./payment-links";

const SETTLING: OrderStatus[] = ["pending_payment", "refund_pending"];
const REFUND_KEY = (orderId: string) => `edge-tickets.refund.${orderId}`;

export function OrderPage({ id }: { id: string }) {
  const { t } = useI18n();
  const payment = useSearchParam("payment");
  const order = useApi(() => call(api.GET("/api/orders/{id}", { params: { path: { id } } })).then((r) => r.order as Order), [id]);
  const eventId = order.data?.eventId;
  const event = useApi(
    () => (eventId ? call(api.GET("/api/events/{id}", { params: { path: { id: eventId } } })).then((r) => r.event as EventDetail) : Promise.resolve(undefined)),
    [eventId],
  );
  const o = order.data;
  const seats = o ? o.items.reduce((n, i) => n + i.quantity, 0) : 0;
  const issuing = !!o && o.status === "confirmed" && (o.tickets?.length ?? 0) < seats;
  // Live: fast while something is settling (payment, ticket issue, refund), slow otherwise.
  usePolling(() => void order.reload(), !o || SETTLING.includes(o.status) || issuing ? 1500 : 10000, !!o);

  if (order.error && !o) return <ErrorMessage error={order.error} onRetry={order.reload} />;
  if (!o) return <Spinner />;
  const zone = event.data?.timezone;
  const payUrl = paymentUrlFor(o.id);

  return (
    <article className="stack">
      <PageTitle text={`${t("orders.order")} ${o.id.slice(-8)}`}>
        {t("orders.order")} {o.id.slice(-8)}
      </PageTitle>
      {payment === "failed" && o.status === "pending_payment" && <p className="notice notice-error">{t("orders.paymentFailed")}</p>}
      {payment === "success" && o.status === "pending_payment" && <Spinner label={t("orders.paymentReturned")} />}
      <div className="card">
        <dl className="facts">
          <dt>{t("orders.status")}</dt>
          <dd aria-live="polite" data-testid="order-status">
            <StatusBadge status={o.status} />
          </dd>
          {event.data && (
            <>
              <dt>{t("orders.event")}</dt>
              <dd>
                <Link href={`/events/${event.data.id}`}>{event.data.title}</Link>
                <div className="meta">
                  <DateTime iso={event.data.startsAt} timeZone={zone} /> · {event.data.venue}
                </div>
              </dd>
            </>
          )}
          <dt>{t("orders.placed")}</dt>
          <dd>
            <DateTime iso={o.createdAt} timeZone={zone} />
          </dd>
          <dt>{t("orders.tickets")}</dt>
          <dd>
            {o.items.map((i) => (
              <div key={i.ticketTypeId}>
                {i.quantity} × {i.name} (<Money vnd={i.unitPriceVnd} />)
              </div>
            ))}
          </dd>
          <dt>{t("orders.total")}</dt>
          <dd className="price">
            <Money vnd={o.totalVnd} />
          </dd>
        </dl>
        {o.status === "pending_payment" && <PendingActions order={o} payUrl={payUrl} onChange={order.reload} zone={zone} />}
      </div>

      {(o.status === "confirmed" || (o.tickets?.length ?? 0) > 0) && (
        <section aria-labelledby="tickets-h">
          <h2 id="tickets-h">{t("orders.tickets")}</h2>
          {issuing && <Spinner label={t("orders.issuing")} />}
          <ol className="tickets">
            {(o.tickets ?? []).map((ticket, index) => (
              <li key={ticket.id} className="card">
                <h3>{t("orders.ticketFor", { n: index + 1, name: o.items.find((i) => i.ticketTypeId === ticket.ticketTypeId)?.name ?? "" })}</h3>
                <QrImage ticketId={ticket.id} alt={t("orders.qrAlt", { n: index + 1 })} />
                <StatusBadge status={ticket.status} />
                <details>
                  <summary>{t("orders.showCode")}</summary>
                  <p className="code-text">{ticket.code}</p>
                </details>
              </li>
            ))}
          </ol>
        </section>
      )}

      <RefundSection order={o} onChange={order.reload} />

      <section className="card">
        <h2>{t("orders.help")}</h2>
        <Link href={`/support?orderId=${encodeURIComponent(o.id)}`} className="btn btn-secondary">
          {t("orders.contactSupport")}
        </Link>
      </section>
      <Timeline orderId={o.id} status={o.status} zone={zone} />
    </article>
  );
}

function PendingActions({ order, payUrl, onChange, zone }: { order: Order; payUrl: string | null; onChange: () => void; zone?: string | null }) {
  const { t, locale } = useI18n();
  const cancel = useAction(async () => {
    await call(api.POST("/api/orders/{id}/cancel", { params: { path: { id: order.id } } }));
    onChange();
  });
  return (
    <>
      <p>{t("orders.holdUntil", { time: formatDateTime(order.holdExpiresAt, locale, zone ?? undefined, "short") })}</p>
      <ErrorMessage error={cancel.error} />
      <div className="actions">
        {payUrl && (
          <a className="btn btn-primary" href={payUrl}>
            {t("orders.payNow")}
          </a>
        )}
        <Button variant="secondary" busy={cancel.busy} onClick={() => void cancel.run()}>
          {t("orders.cancelOrder")}
        </Button>
      </div>
    </>
  );
}

/** A ticket's QR PNG: fetched with the bearer token (owner only), shown from a blob: URL. */
function QrImage({ ticketId, alt }: { ticketId: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let url: string | null = null;
    let live = true;
    call(api.GET("/api/tickets/{id}/qr.png", { params: { path: { id: ticketId } }, parseAs: "blob" }))
      .then((blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob as unknown as Blob);
        setSrc(url);
      })
      .catch((err) => live && setError(err));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [ticketId]);
  if (error) return <ErrorMessage error={error} />;
  if (!src) return <Spinner />;
  return <img className="qr" src={src} alt={alt} width={240} height={240} />;
}

function RefundSection({ order, onChange }: { order: Order; onChange: () => void }) {
  const { t, locale } = useI18n();
  const [refundId, setRefundId] = useState<string | null>(() => localStorage.getItem(REFUND_KEY(order.id)));
  const [reason, setReason] = useState("");
  const refund = useApi(
    () => (refundId ? call(api.GET("/api/refunds/{id}", { params: { path: { id: refundId } } })).then((r) => r.refund as Refund) : Promise.resolve(undefined)),
    [refundId],
  );
  const refundSettling = !!refund.data && (refund.data.status === "requested" || refund.data.status === "processing");
  usePolling(
    () => {
      void refund.reload();
      onChange();
    },
    2000,
    refundSettling,
  );

  const request = useAction(async () => {
    const { refund } = await call(api.POST("/api/orders/{id}/refund", { params: { path: { id: order.id } }, body: { reason: reason.trim() } }));
    localStorage.setItem(REFUND_KEY(order.id), refund.id);
    setRefundId(refund.id);
    onChange();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void request.run();
  };

  if (refund.data) {
    return (
      <section className="card" aria-live="polite">
        <h2>{t("orders.refundTitle")}</h2>
        <p>{t("orders.refundRequested", { amount: formatVnd(refund.data.amountVnd, locale) })}</p>
        <p>
          {t("orders.refundStatus")} <StatusBadge status={refund.data.status} />
          {refundSettling && <Spinner inline />}
        </p>
        {refund.data.failure && <p className="notice notice-error">{refund.data.failure.message}</p>}
      </section>
    );
  }
  if (order.status !== "confirmed") return null;
  return (
    <section className="card">
      <h2>{t("orders.refundTitle")}</h2>
      <form className="form" onSubmit={submit}>
        <TextArea label={t("orders.refundReason")} required maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
        <ErrorMessage error={request.error} />
        <div className="actions">
          <Button type="submit" variant="secondary" busy={request.busy} disabled={!reason.trim()}>
            {t("orders.refundSubmit")}
          </Button>
        </div>
      </form>
    </section>
  );
}

/** The saga steps of this order (GET /api/orders/:id/timeline; silently absent if it fails). */
function Timeline({ orderId, status, zone }: { orderId: string; status: string; zone?: string | null }) {
  const { t } = useI18n();
  const timeline = useApi(() => call(api.GET("/api/orders/{id}/timeline", { params: { path: { id: orderId } } })), [orderId, status]);
  if (!timeline.data?.items.length) return null;
  return (
    <details className="card">
      <summary>{t("orders.timeline")}</summary>
      {timeline.data.partial && <p className="meta">{t("orders.timelinePartial")}</p>}
      <ol className="list">
        {timeline.data.items.map((item, i) => (
          <li key={i} className="meta">
            <DateTime iso={item.at} timeZone={zone} style="short" /> — {item.service}: {item.step.replace(/_/g, " ")}
          </li>
        ))}
      </ol>
    </details>
  );
}
