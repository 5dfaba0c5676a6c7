import { useState, type FormEvent } from "react";
import { queueStats } from "../../../api/queue";
import type { EventDetail } from "../../../api/types";
import { useI18n } from "../../../i18n";
import { Button, Checkbox, ErrorMessage, Field, Spinner, useAction, useApi, usePolling } from "../../../components";
import { updateEvent } from "../orgApi";

const LIVE_MS = 3000;
const DEFAULT_RATE = 60;

/** The event's waiting room: on/off and the admission rate (PATCH), and its live figures while on. */
export function WaitingRoomPanel({ event, onChanged }: { event: EventDetail; onChanged: () => Promise<void> | void }) {
  const { t } = useI18n();
  const settings = event.queue;
  const [enabled, setEnabled] = useState(settings?.enabled ?? false);
  const [rate, setRate] = useState(String(settings?.admitPerMinute || DEFAULT_RATE));
  const [rateError, setRateError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const save = useAction(async (admitPerMinute: number) => {
    await updateEvent(event.id, { queue: { enabled, admitPerMinute } });
    setSaved(true);
    await onChanged();
  });
  const active = !!settings?.active;
  const stats = useApi(() => queueStats(event.id), [event.id]);
  usePolling(() => void stats.reload(), LIVE_MS, active);

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const admitPerMinute = Number(rate);
    if (!Number.isInteger(admitPerMinute) || admitPerMinute < 1 || admitPerMinute > 100_000) {
      setRateError(t("org.queue.rateInvalid"));
      return;
    }
    setRateError(undefined);
    void save.run(admitPerMinute);
  }

  const s = stats.data;
  return (
    <section className="org-section" aria-labelledby="queue-h">
      <h2 id="queue-h">{t("org.queue.title")}</h2>
      <p className="org-muted">{t("org.queue.intro")}</p>
      <form onSubmit={submit} noValidate>
        <Checkbox label={t("org.queue.enabled")} checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <div className="org-inline-form">
          <Field label={t("org.queue.rate")} type="number" inputMode="numeric" min={1} max={100000} value={rate} onChange={(e) => setRate(e.target.value)} error={rateError} hint={t("org.queue.rateHint")} />
          <Button type="submit" busy={save.busy}>
            {t("org.queue.save")}
          </Button>
        </div>
      </form>
      <ErrorMessage error={save.error} />
      {saved && !save.busy && !save.error && (
        <p className="notice notice-ok" role="status">
          {t("org.queue.saved")}
        </p>
      )}
      <p className="meta" data-testid="queue-active">{active ? t("org.queue.isOn") : t("org.queue.isOff")}</p>
      {stats.error && !s ? (
        <ErrorMessage error={stats.error} onRetry={stats.reload} missingRoute />
      ) : !s ? (
        <Spinner />
      ) : (
        <dl className="facts" aria-live="polite" data-testid="queue-stats">
          <dt>{t("org.queue.waiting")}</dt>
          <dd>{s.waiting + s.beforeDraw}</dd>
          <dt>{t("org.queue.admitted")}</dt>
          <dd>{t("org.queue.admittedValue", { now: s.admitted, total: s.admittedTotal })}</dd>
          <dt>{t("org.queue.effectiveRate")}</dt>
          <dd>{t("org.queue.rateValue", { applied: Math.round(s.effectivePerMinute), configured: s.admitPerMinute })}</dd>
          <dt>{t("org.queue.estimatedWait")}</dt>
          <dd>{t("org.queue.seconds", { seconds: s.estimatedWaitSeconds })}</dd>
        </dl>
      )}
    </section>
  );
}
