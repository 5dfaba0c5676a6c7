import { useRef, type ReactNode } from "react";
import { api, ApiProblem, call } from "../../../api/client";
import type { EventDetail, SalesPoint, SalesReport } from "../../../api/types";
import { useI18n } from "../../../i18n";
import { DEFAULT_TIME_ZONE, ErrorMessage, formatNumber, Money, Spinner, useApi, usePolling } from "../../../components";
import { soldOf } from "../orgApi";
import { SalesChart } from "./SalesChart";

const LIVE_MS = 5000;

/**
 * Sold vs capacity per ticket type, revenue and the last hour of sales. Figures come from the
 * reports API; while it is not deployed, sold and capacity fall back to the event's
 * availability (which counts held tickets as gone) and revenue is not shown.
 */
export function LiveSales({ event, live }: { event: EventDetail; live: boolean }) {
  const { t, locale } = useI18n();
  const report = useApi(() => call(api.GET("/api/reports/events/{id}/sales", { params: { path: { id: event.id } } })), [event.id]);
  const series = useApi(
    () => call(api.GET("/api/reports/events/{id}/sales/series", { params: { path: { id: event.id }, query: { minutes: 60 } } })).then((r) => r.items),
    [event.id],
  );
  usePolling(
    () => {
      void report.reload();
      void series.reload();
    },
    LIVE_MS,
    live,
  );
  const zone = event.timezone || DEFAULT_TIME_ZONE;
  const byType = new Map(report.data?.byTicketType.map((r) => [r.ticketTypeId, r]) ?? []);
  const rows = event.ticketTypes.map((tt) => {
    const fromReport = byType.get(tt.id);
    return { id: tt.id, name: tt.name, sold: fromReport?.ticketsSold ?? soldOf(tt), capacity: tt.quantity };
  });
  const totalSold = report.data ? report.data.ticketsSold : rows.reduce((s, r) => s + r.sold, 0);
  const chartSold = series.data ? series.data.reduce((s, p) => s + p.ticketsSold, 0) : totalSold;
  const observed = useObservedSeries(series.data ? undefined : totalSold);

  return (
    <section className="org-section" aria-labelledby="sales-h">
      <h2 id="sales-h">{t("org.sales.title")}</h2>
      {live && <p className="meta">{t("common.updatedLive")}</p>}
      {report.data ? (
        <SalesFigures report={report.data} />
      ) : report.error ? (
        <p className="notice notice-info">{t("org.sales.reportUnavailable")}</p>
      ) : (
        <Spinner />
      )}
      {rows.length === 0 ? (
        <p className="org-muted">{t("org.sales.noTicketTypes")}</p>
      ) : (
        <ul className="org-bars" aria-label={t("org.sales.byType")}>
          {rows.map((r) => (
            <li key={r.id}>
              <div className="org-bar-label">
                <span>{r.name}</span>
                <span>{t("org.events.soldOf", { sold: formatNumber(r.sold, locale), capacity: formatNumber(r.capacity, locale) })}</span>
              </div>
              <Meter value={r.sold} max={r.capacity} label={`${r.name}: ${r.sold} / ${r.capacity}`} />
            </li>
          ))}
        </ul>
      )}
      <h3>{t("org.sales.lastHour")}</h3>
      {series.error && !series.data ? (
        isMissing(series.error) ? (
          <p className="notice notice-info">{t("org.sales.seriesUnavailable")}</p>
        ) : (
          <ErrorMessage error={series.error} onRetry={series.reload} />
        )
      ) : null}
      <SalesChart points={series.data ?? observed} totalSold={chartSold} timeZone={zone} observed={!series.data} />
    </section>
  );
}

const MINUTE = 60_000;

/**
 * Without the series route: tickets sold per minute as this page saw the total grow while open
 * (the first figure is the baseline; drops, e.g. expired holds, are not counted as sales).
 */
function useObservedSeries(total: number | undefined): SalesPoint[] {
  const seen = useRef<{ last?: number; perMinute: Map<number, number> }>({ perMinute: new Map() });
  const state = seen.current;
  if (total !== undefined) {
    const minute = Math.floor(Date.now() / MINUTE);
    if (state.last !== undefined && total > state.last) state.perMinute.set(minute, (state.perMinute.get(minute) ?? 0) + total - state.last);
    state.last = total;
  }
  const now = Math.floor(Date.now() / MINUTE);
  const points: SalesPoint[] = [];
  for (let m = now - 59; m <= now; m++)
    points.push({ at: new Date(m * MINUTE).toISOString(), ticketsSold: state.perMinute.get(m) ?? 0, grossVnd: 0 });
  return points;
}

const isMissing = (err: unknown) => err instanceof ApiProblem && err.status === 404;

/** Tickets sold, gross, refunded and net of a sales report. */
export function SalesFigures({ report }: { report: Pick<SalesReport, "ticketsSold" | "grossVnd" | "refundedVnd" | "netVnd"> }) {
  const { t, locale } = useI18n();
  const figures: [string, ReactNode][] = [
    [t("org.sales.sold"), formatNumber(report.ticketsSold, locale)],
    [t("org.sales.gross"), <Money vnd={report.grossVnd} />],
    [t("org.sales.refunded"), <Money vnd={report.refundedVnd} />],
    [t("org.sales.net"), <Money vnd={report.netVnd} />],
  ];
  return (
    <dl className="org-figures">
      {figures.map(([label, value]) => (
        <div key={label} className="org-figure">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A horizontal bar (SVG: the CSP forbids inline style widths). */
export function Meter({ value, max, label }: { value: number; max: number; label: string }) {
  const share = max > 0 ? Math.min(1, value / max) : 0;
  return (
    <svg className="org-meter" viewBox="0 0 100 4" preserveAspectRatio="none" role="img" aria-label={label} data-value={value} data-max={max}>
      <rect className="org-meter-track" x="0" y="0" width="100" height="4" rx="1" />
      <rect className={share >= 1 ? "org-meter-fill org-meter-fill-full" : "org-meter-fill"} x="0" y="0" width={share * 100} height="4" rx="1" />
    </svg>
  );
}
