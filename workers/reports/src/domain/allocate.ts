export type ItemGross = { ticketTypeId: string; grossVnd: number };

/**
 * Spreads a refund over an order's ticket types in proportion to what each cost, in whole đồng:
 * floors first, then the leftover đồng go one by one to the largest remainders (ties: the order
 * of `items`). The parts always add up to `amountVnd` exactly, so per-type figures reconcile.
 * BigInt arithmetic: amount × gross can pass 2^53 for large orders.
 */
export function allocateRefund(amountVnd: number, items: ItemGross[]): Array<{ ticketTypeId: string; amountVnd: number }> {
  if (items.length === 0) return [];
  const total = BigInt(items.reduce((s, i) => s + i.grossVnd, 0));
  if (total <= 0n) return items.map((i, n) => ({ ticketTypeId: i.ticketTypeId, amountVnd: n === 0 ? amountVnd : 0 }));
  const amount = BigInt(amountVnd);
  const parts = items.map((i, n) => {
    const scaled = amount * BigInt(i.grossVnd);
    return { n, ticketTypeId: i.ticketTypeId, amountVnd: Number(scaled / total), remainder: scaled % total };
  });
  let left = amountVnd - parts.reduce((s, p) => s + p.amountVnd, 0);
  const byRemainder = [...parts].sort((a, b) => (b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : a.n - b.n));
  for (const p of byRemainder) {
    if (left <= 0) break;
    p.amountVnd += 1;
    left -= 1;
  }
  return parts.map(({ ticketTypeId, amountVnd: a }) => ({ ticketTypeId, amountVnd: a }));
}
