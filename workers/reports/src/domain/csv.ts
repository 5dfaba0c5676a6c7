import type { EventSales } from "./sales";

/**
 * RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends.
 * A text (never a number) starting like a formula (= + - @) gets a leading apostrophe, so a
 * spreadsheet shows an organizer-chosen name instead of evaluating it.
 */
export function csvField(value: string | number | null): string {
  const s = value === null ? "" : typeof value === "number" ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** UTF-8 with a byte-order mark, so spreadsheet software reads Vietnamese names right. */
export function csvDocument(rows: Array<Array<string | number | null>>): string {
  return "\uFEFF" + rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export const SALES_CSV_HEADER = ["section", "date", "ticket_type_id", "ticket_type", "tickets_sold", "gross_vnd", "refunded_vnd", "net_vnd", "orders", "check_ins"];

/**
 * One event's figures: a `ticket_type` line per ticket type (whole period), a `day` line per
 * Vietnam day (all types), then the `total` line. Amounts are whole VND.
 */
export function salesCsvRows(report: EventSales): Array<Array<string | number | null>> {
  return [
    ...report.byTicketType.map((t) => ["ticket_type", null, t.ticketTypeId, t.name, t.ticketsSold, t.grossVnd, t.refundedVnd, t.netVnd, null, t.checkIns]),
    ...report.byDay.map((d) => ["day", d.date, null, null, d.ticketsSold, d.grossVnd, d.refundedVnd, d.netVnd, d.orders, d.checkIns]),
    ["total", null, null, null, report.ticketsSold, report.grossVnd, report.refundedVnd, report.netVnd, report.orders, report.checkIns],
  ];
}

export const salesCsv = (report: EventSales) => csvDocument([SALES_CSV_HEADER, ...salesCsvRows(report)]);

/** An ASCII file name for Content-Disposition (plus the UTF-8 one per RFC 6266). */
export function attachment(name: string): string {
  const ascii = name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").replace(/[^A-Za-z0-9._-]+/g, "-");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
