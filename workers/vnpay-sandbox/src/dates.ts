const GMT7 = 7 * 3600_000;

/** yyyyMMddHHmmss in GMT+7 (VNPAY's clock). */
export function toVnpDate(date: Date): string {
  return new Date(date.getTime() + GMT7).toISOString().replace(/\D/g, "").slice(0, 14);
}

export function fromVnpDate(value: string | undefined): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value ?? "");
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - GMT7);
}
