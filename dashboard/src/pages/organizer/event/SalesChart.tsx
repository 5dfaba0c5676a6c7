import type { SalesPoint } from "../../../api/types";
import { useI18n } from "../../../i18n";
import { formatDateTime, formatNumber } from "../../../components";

const W = 600;
const H = 160;
const PAD = { left: 32, right: 8, top: 10, bottom: 22 };

/**
 * Tickets sold per minute as SVG bars (hand-written: no chart library). The <svg> carries the
 * total it shows in `data-tickets-sold`, each bar its minute and count, so tests and assistive
 * tech can read the figures. `observed`: the bars are what this page saw (no series route yet)
 * and `totalSold` is the event's total.
 */
export function SalesChart({ points, totalSold, timeZone, observed = false }: { points: SalesPoint[]; totalSold: number; timeZone: string; observed?: boolean }) {
  const { t, locale } = useI18n();
  const max = Math.max(1, ...points.map((p) => p.ticketsSold));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(points.length, 1);
  const barW = Math.max(1, slot * 0.8);
  const sold = formatNumber(totalSold, locale);
  const label = observed
    ? t("org.sales.chartObserved", { sold })
    : points.length
      ? t("org.sales.chartLabel", { sold, minutes: points.length })
      : t("org.sales.chartEmpty", { sold });
  const time = (iso: string) => formatDateTime(iso, locale, timeZone, "time").replace(/:\d\d(?=\D*$)/, "");
  return (
    <figure className="org-chart-figure">
      <svg
        className="org-chart"
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={label}
        data-testid="sales-chart"
        data-tickets-sold={totalSold}
        data-points={points.length}
      >
        <title>{label}</title>
        <line className="org-chart-axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="org-chart-axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text className="org-chart-text" x={PAD.left - 4} y={PAD.top + 8} textAnchor="end">
          {max}
        </text>
        <text className="org-chart-text" x={PAD.left - 4} y={H - PAD.bottom} textAnchor="end">
          0
        </text>
        {points.map((p, i) => {
          const h = (p.ticketsSold / max) * plotH;
          return (
            <rect
              key={p.at}
              className="org-chart-bar"
              x={PAD.left + i * slot + (slot - barW) / 2}
              y={H - PAD.bottom - h}
              width={barW}
              height={h}
              data-at={p.at}
              data-tickets-sold={p.ticketsSold}
              data-gross-vnd={p.grossVnd}
            />
          );
        })}
        {points.length > 0 && (
          <>
            <text className="org-chart-text" x={PAD.left} y={H - 6} textAnchor="start">
              {time(points[0].at)}
            </text>
            <text className="org-chart-text" x={W - PAD.right} y={H - 6} textAnchor="end">
              {time(points[points.length - 1].at)}
            </text>
          </>
        )}
      </svg>
      <figcaption className="org-chart-caption">{label}</figcaption>
    </figure>
  );
}
