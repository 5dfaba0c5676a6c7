import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, call } from "../../../api/client";
import type { Order, Refund } from "../../../api/types";
import { useI18n } from "../../../i18n";
import { Button, ErrorMessage, Field, formatVnd, Money, StatusBadge, useAction, useApi, usePolling } from "../../../components";
import { getRefund, refundOrder, rememberedRefunds } from "../orgApi";

const REFUNDABLE = ["confirmed", "partially_refunded"];
const SETTLING = ["requested", "processing"];

/**
 * One order's refund cell: the refund this browser knows of (status, polled while it settles;
 * Retry when failed) and the organizer's refund form (full or partial, reason, then a
 * confirmation step naming the amount).
 */
export function OrderRefund({ order, onChanged }: { order: Order; onChanged: () => void }) {
  const { t } = useI18n();
  const [refundId, setRefundId] = useState<string | null>(() => rememberedRefunds.all()[order.id] ?? null);
  const [open, setOpen] = useState(false);
  const refund = useApi(() => (refundId ? getRefund(refundId) : Promise.resolve(null)), [refundId]);
  const status = refund.data?.status;
  const settling = !!status && SETTLING.includes(status);
  usePolling(() => void refund.reload(), 3000, settling);
  // When the refund settles, the order's own status has changed too: reload the list.
  const seen = useRef(status);
  useEffect(() => {
    if (seen.current && status && seen.current !== status) onChanged();
    seen.current = status;
  }, [status, onChanged]);
  const retry = useAction(async (id: string) => {
    const { refund: retried } = await call(api.POST("/api/refunds/{id}/retry", { params: { path: { id } } }));
    refund.setData(() => retried as Refund);
  });

  const started = (r: Refund) => {
    rememberedRefunds.set(order.id, r.id);
    setRefundId(r.id);
    refund.setData(() => r);
    setOpen(false);
    onChanged();
  };

  return (
    <div>
      {refund.data && (
        <div className="stack org-refund-status">
          <p>
            <Money vnd={refund.data.amountVnd} /> <StatusBadge status={refund.data.status} />
          </p>
          {refund.data.status === "failed" && (
            <>
              {refund.data.failureReason && <p className="org-muted">{t("org.refund.failedBecause", { reason: refund.data.failureReason })}</p>}
              <Button variant="secondary" className="btn-small" busy={retry.busy} onClick={() => void retry.run(refund.data!.id)}>
                {t("org.refund.retry")}
              </Button>
            </>
          )}
        </div>
      )}
      <ErrorMessage error={refund.error ?? retry.error} missingRoute />
      {REFUNDABLE.includes(order.status) &&
        (open ? (
          <RefundForm order={order} onDone={started} onClose={() => setOpen(false)} />
        ) : (
          <Button variant="secondary" className="btn-small" onClick={() => setOpen(true)}>
            {t("org.refund.open")}
          </Button>
        ))}
    </div>
  );
}

function RefundForm({ order, onDone, onClose }: { order: Order; onDone: (r: Refund) => void; onClose: () => void }) {
  const { t, locale } = useI18n();
  const [kind, setKind] = useState<"full" | "partial">("full");
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<{ amount?: string; reason?: string }>({});
  const [confirming, setConfirming] = useState(false);
  const request = useAction(async () => {
    try {
      onDone(await refundOrder(order.id, { reason: reason.trim(), ...(kind === "partial" ? { amountVnd: Number(amount) } : {}) }));
    } finally {
      setConfirming(false);
    }
  });

  function review(e: FormEvent) {
    e.preventDefault();
    const found: typeof errors = {};
    if (!reason.trim()) found.reason = t("org.form.required");
    if (kind === "partial" && (!/^\d+$/.test(amount.trim()) || Number(amount) < 1 || Number(amount) > order.totalVnd))
      found.amount = t("org.refund.amountRange", { max: formatVnd(order.totalVnd, locale) });
    setErrors(found);
    if (Object.keys(found).length === 0) setConfirming(true);
  }

  const what = kind === "partial" ? formatVnd(Number(amount), locale) : t("org.refund.everythingLeft");
  return (
    <form className="org-refund card" onSubmit={review} noValidate aria-label={t("org.refund.formLabel", { id: order.id })}>
      <fieldset className="org-fieldset">
        <legend>{t("org.refund.kind")}</legend>
        <div className="field field-check">
          <input id={`rk-full-${order.id}`} type="radio" name={`rk-${order.id}`} checked={kind === "full"} onChange={() => setKind("full")} />
          <label htmlFor={`rk-full-${order.id}`}>{t("org.refund.full")}</label>
        </div>
        <div className="field field-check">
          <input id={`rk-part-${order.id}`} type="radio" name={`rk-${order.id}`} checked={kind === "partial"} onChange={() => setKind("partial")} />
          <label htmlFor={`rk-part-${order.id}`}>{t("org.refund.partial")}</label>
        </div>
      </fieldset>
      {kind === "partial" && (
        <Field label={t("org.refund.amount")} type="number" inputMode="numeric" min={1} max={order.totalVnd} value={amount} onChange={(e) => setAmount(e.target.value)} error={errors.amount} />
      )}
      <Field label={t("org.refund.reason")} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} error={errors.reason} />
      {/* The list only shows this organizer's orders: a 404 here means organizer refunds are not deployed yet. */}
      <ErrorMessage error={request.error} missingRoute />
      {confirming ? (
        <div className="notice notice-warn" role="alertdialog" aria-label={t("org.refund.confirmTitle")}>
          <p>{t("org.refund.confirmText", { amount: what, email: order.buyerEmail ?? order.id })}</p>
          <div className="actions">
            <Button variant="danger" busy={request.busy} onClick={() => void request.run()} autoFocus>
              {t("org.refund.confirm")}
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              {t("common.back")}
            </Button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <Button type="submit">{t("org.refund.submit")}</Button>
          <Button variant="link" onClick={onClose}>
            {t("common.cancel")}
          </Button>
        </div>
      )}
    </form>
  );
}
