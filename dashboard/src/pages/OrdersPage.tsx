import { api, call } from "../api/client";
import type { Order } from "../api/types";
import { useT } from "../i18n";
import { Link } from "../lib/router";
import { PushOptIn } from "./PushOptIn";
import { DateTime, EmptyState, ErrorMessage, Money, PageTitle, Spinner, StatusBadge, useApi } from "../components";

export function OrdersPage() {
  const t = useT();
  const orders = useApi(() => call(api.GET("/api/orders", { params: { query: { limit: 100 } } })).then((r) => r.items as Order[]), []);
  return (
    <section>
      <PageTitle>{t("orders.title")}</PageTitle>
      <PushOptIn />
      {orders.error ? (
        <ErrorMessage error={orders.error} onRetry={orders.reload} />
      ) : !orders.data ? (
        <Spinner />
      ) : orders.data.length === 0 ? (
        <EmptyState action={<Link href="/">{t("common.goHome")}</Link>}>{t("orders.empty")}</EmptyState>
      ) : (
        <ul className="list">
          {orders.data.map((o) => (
            <li key={o.id} className="card row">
              <div>
                <Link href={`/orders/${o.id}`}>
                  {t("orders.order")} {o.id.slice(-8)}
                </Link>
                <div className="meta">
                  <DateTime iso={o.createdAt} style="short" /> · {o.items.map((i) => `${i.quantity} × ${i.name}`).join(", ")}
                </div>
              </div>
              <div className="row">
                <Money vnd={o.totalVnd} />
                <StatusBadge status={o.status} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
