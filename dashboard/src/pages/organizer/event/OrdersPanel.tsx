import { useState, type FormEvent } from "react";
import type { EventDetail, OrderStatus } from "../../../api/types";
import { useI18n } from "../../../i18n";
import { Button, DateTime, DEFAULT_TIME_ZONE, EmptyState, ErrorMessage, Field, Money, Select, Spinner, StatusBadge, usePolling } from "../../../components";
import { listEventOrders } from "../orgApi";
import { LoadMore, usePagedList } from "../usePagedList";
import { OrderRefund } from "./OrderRefund";

const STATUSES = ["pending_payment", "confirmed", "cancelled", "expired", "refund_pending", "refunded", "partially_refunded"] as const;
const LIVE_MS = 5000;

/** The event's orders: search (order id or buyer email), status filter, Load more, refunds. */
export function OrdersPanel({ event, live }: { event: EventDetail; live: boolean }) {
  const { t } = useI18n();
  const zone = event.timezone || DEFAULT_TIME_ZONE;
  const [typed, setTyped] = useState("");
  const [filter, setFilter] = useState<{ q: string; status: OrderStatus | "" }>({ q: "", status: "" });
  const list = usePagedList(
    (cursor?: string) =>
      listEventOrders({
        eventId: event.id,
        limit: 25,
        ...(cursor ? { cursor } : {}),
        ...(filter.q ? { q: filter.q } : {}),
        ...(filter.status ? { status: filter.status } : {}),
      }),
    [event.id, filter.q, filter.status],
  );
  // Live: the first page refreshes by itself (only while no further pages are open).
  usePolling(() => void list.reload(), LIVE_MS, live && !list.paged);
  const orders = list.items ?? [];

  function search(e: FormEvent) {
    e.preventDefault();
    setFilter((f) => ({ ...f, q: typed.trim() }));
  }

  return (
    <section className="org-section" aria-labelledby="orders-h">
      <h2 id="orders-h">{t("org.orders.title")}</h2>
      <form className="org-filters" role="search" onSubmit={search}>
        <Field label={t("org.orders.search")} type="search" value={typed} onChange={(e) => setTyped(e.target.value)} hint={t("org.orders.searchHint")} />
        <Select label={t("org.orders.status")} value={filter.status} onChange={(e) => setFilter((f) => ({ ...f, status: e.target.value as OrderStatus | "" }))}>
          <option value="">{t("org.orders.allStatuses")}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}` as never)}
            </option>
          ))}
        </Select>
        <Button type="submit" variant="secondary" busy={list.loading && !!list.items}>
          {t("org.orders.searchButton")}
        </Button>
      </form>
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={list.reload} missingRoute />
      ) : !list.items ? (
        <Spinner />
      ) : orders.length === 0 ? (
        <EmptyState>{filter.q || filter.status ? t("org.orders.noMatch") : t("org.orders.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="org-table org-cards">
            <thead>
              <tr>
                <th scope="col">{t("org.orders.order")}</th>
                <th scope="col">{t("org.orders.buyer")}</th>
                <th scope="col">{t("org.orders.status")}</th>
                <th scope="col" className="num">{t("org.orders.total")}</th>
                <th scope="col">{t("org.orders.refund")}</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={o.id} data-order-id={o.id}>
                  <td data-label={t("org.orders.order")}>
                    <code>{o.id}</code>
                    <div className="meta">
                      <DateTime iso={o.createdAt} timeZone={zone} style="short" />
                    </div>
                    <div className="meta">{o.items.map((i) => `${i.quantity} × ${i.name}`).join(", ")}</div>
                  </td>
                  <td data-label={t("org.orders.buyer")}>{o.buyerEmail ?? "–"}</td>
                  <td data-label={t("org.orders.status")}>
                    <StatusBadge status={o.status} />
                  </td>
                  <td className="num" data-label={t("org.orders.total")}>
                    <Money vnd={o.totalVnd} />
                  </td>
                  <td data-label={t("org.orders.refund")}>
                    <OrderRefund order={o} onChanged={list.reload} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore more={list.more} />
    </section>
  );
}
