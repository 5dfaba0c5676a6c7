import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { ApiProblem } from "../api/client";
import { useI18n, type Translate } from "../i18n";
import type { MessageKey } from "../i18n/en";
import { Button, ErrorMessage, Field, PageTitle, Spinner, formatDateTime } from "../components";
import { CameraScanner } from "../checkin/CameraScanner";
import { checkOffline, checkOnline, fetchBundle, loadState, rememberOnline, saveState, syncScans, type LocalScan, type ScanOutcome, type ScannerState } from "../checkin/scanner";

const SYNC_EVERY_MS = 5000;
const RECENT = 8;

function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    addEventListener("online", up);
    addEventListener("offline", down);
    return () => {
      removeEventListener("online", up);
      removeEventListener("offline", down);
    };
  }, []);
  return online;
}

export function CheckinPage({ eventId }: { eventId: string }) {
  const { t, locale } = useI18n();
  const online = useOnline();
  const state = useRef<ScannerState | null>(null);
  const [, setVersion] = useState(0);
  const rerender = () => setVersion((v) => v + 1);
  const [bundleError, setBundleError] = useState<unknown>(null);
  const [code, setCode] = useState("");
  const [checking, setChecking] = useState(false);
  const [result, setResult] = useState<ScanOutcome | null>(null);
  const [recent, setRecent] = useState<{ at: Date; outcome: ScanOutcome }[]>([]);
  const [syncing, setSyncing] = useState(false);
  const [syncError, setSyncError] = useState<unknown>(null);
  const [conflicts, setConflicts] = useState<LocalScan[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const busy = useRef(false);

  const persist = useCallback(async () => {
    if (state.current) await saveState(eventId, state.current);
    rerender();
  }, [eventId]);

  const refreshBundle = useCallback(async () => {
    try {
      const bundle = await fetchBundle(eventId);
      state.current = { ...(state.current ?? { scans: [] }), bundle };
      setBundleError(null);
      await persist();
    } catch (err) {
      setBundleError(err);
    }
  }, [eventId, persist]);

  const sync = useCallback(async () => {
    const s = state.current;
    if (!s || busy.current || !s.scans.some((x) => !x.synced)) return;
    busy.current = true;
    setSyncing(true);
    setSyncError(null);
    try {
      const found = await syncScans(eventId, s);
      if (found.length) setConflicts((c) => [...found, ...c]);
      await persist();
      await refreshBundle();
    } catch (err) {
      setSyncError(err);
      await persist();
    } finally {
      busy.current = false;
      setSyncing(false);
    }
  }, [eventId, persist, refreshBundle]);

  useEffect(() => {
    let live = true;
    (async () => {
      state.current = await loadState(eventId);
      if (!live) return;
      rerender();
      if (navigator.onLine) {
        await sync();
        await refreshBundle();
      }
    })();
    return () => {
      live = false;
    };
  }, [eventId, refreshBundle, sync]);

  // Back online: upload what was admitted offline; keep trying while anything is pending.
  useEffect(() => {
    if (!online) return;
    void sync();
    const id = setInterval(() => void sync(), SYNC_EVERY_MS);
    return () => clearInterval(id);
  }, [online, sync]);

  const check = useCallback(
    async (raw: string) => {
      const value = raw.trim();
      const s = state.current;
      if (!value || !s) return;
      setChecking(true);
      let outcome: ScanOutcome;
      try {
        if (!navigator.onLine) throw new ApiProblem(0, "network", "offline");
        outcome = await checkOnline(value);
        rememberOnline(s, value, outcome);
      } catch {
        outcome = await checkOffline(eventId, value, s);
      }
      await persist();
      setResult(outcome);
      setRecent((r) => [{ at: new Date(), outcome }, ...r].slice(0, RECENT));
      setChecking(false);
      input.current?.select();
    },
    [eventId, persist],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void check(code);
  };

  const s = state.current;
  const pending = s?.scans.filter((x) => !x.synced).length ?? 0;

  return (
    <section className="stack checkin">
      <PageTitle>{t("checkin.title")}</PageTitle>
      <div className="status-line" aria-live="polite">
        <span className={`dot${online ? "" : " dot-off"}`} aria-hidden="true" />
        <strong>{online ? t("checkin.online") : t("checkin.offlineMode")}</strong>
        <span data-testid="sync-status">{pending ? t("checkin.pending", { count: pending }) : t("checkin.synced")}</span>
        {syncing && <Spinner inline label={t("checkin.syncing")} />}
        {pending > 0 && online && (
          <Button variant="link" onClick={() => void sync()}>
            {t("checkin.syncNow")}
          </Button>
        )}
      </div>

      <form className="form" onSubmit={submit}>
        <Field ref={input} label={t("checkin.code")} autoComplete="off" autoCapitalize="off" spellCheck={false} value={code} onChange={(e) => setCode(e.target.value)} required />
        <div className="actions">
          <Button type="submit" className="btn-large" busy={checking} disabled={!s}>
            {t("checkin.submit")}
          </Button>
        </div>
      </form>

      <ScanResult outcome={result} />

      <CameraScanner onCode={(c) => { setCode(c); void check(c); }} />

      {recent.length > 1 && (
        <section aria-labelledby="recent-h">
          <h2 id="recent-h">{t("checkin.history")}</h2>
          <ol className="list">
            {recent.slice(1).map(({ at, outcome }, i) => (
              <li key={i} className="row card">
                <span>{formatDateTime(at, locale, undefined, "time")}</span>
                <span className={`badge badge-${outcome.kind === "admitted" ? "admitted" : outcome.kind === "already" ? "pending_payment" : "void"}`}>{describe(outcome, t)}</span>
              </li>
            ))}
          </ol>
        </section>
      )}

      <div className="meta">
        {s?.bundle ? t("checkin.bundle", { count: s.bundle.tickets.length, time: formatDateTime(s.bundle.generatedAt, locale, undefined, "time") }) : t("checkin.noBundle")}{" "}
        <Button variant="link" onClick={() => void refreshBundle()} disabled={!online}>
          {t("checkin.refresh")}
        </Button>
      </div>
      {bundleError ? <ErrorMessage error={bundleError} /> : null}
      {syncError ? <ErrorMessage error={syncError} /> : null}
      {conflicts.length > 0 && (
        <section className="notice notice-warn">
          <h2>{t("checkin.conflicts")}</h2>
          <ul>
            {conflicts.map((c, i) => (
              <li key={i}>{t("checkin.conflict", { id: c.ticketId.slice(-8), result: c.serverResult ?? "" })}</li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

function describe(outcome: ScanOutcome, t: Translate): string {
  const title: Record<ScanOutcome["kind"], MessageKey> = {
    admitted: "checkin.admitted",
    already: "checkin.already",
    void: "checkin.void",
    forged: "checkin.forged",
    not_found: "checkin.notFound",
    other_event: "checkin.otherEvent",
    error: "checkin.notFound",
  };
  return outcome.kind === "error" ? t("errors.unknown", { code: outcome.error instanceof ApiProblem ? outcome.error.code : "?" }) : t(title[outcome.kind]);
}

function ScanResult({ outcome }: { outcome: ScanOutcome | null }) {
  const { t, locale } = useI18n();
  if (!outcome) return <div role="status" aria-live="assertive" />;
  const note = outcome.offline ? ` ${t("checkin.offlineNote")}` : "";
  const view: { cls: string; title: string; detail?: string } = (() => {
    switch (outcome.kind) {
      case "admitted":
        return { cls: "scan-admitted", title: t("checkin.admitted"), detail: note.trim() || undefined };
      case "already":
        return {
          cls: "scan-already",
          title: t("checkin.already"),
          detail: (outcome.checkedInAt ? t("checkin.alreadyAt", { time: formatDateTime(outcome.checkedInAt, locale, undefined, "time") }) : "") + note,
        };
      case "void":
        return { cls: "scan-void", title: t("checkin.void"), detail: t("checkin.voidHint") + note };
      case "forged":
        return { cls: "scan-forged", title: t("checkin.forged"), detail: t("checkin.forgedHint") + note };
      case "not_found":
        return { cls: "scan-unknown", title: t("checkin.notFound"), detail: t("checkin.notFoundHint") };
      case "other_event":
        return { cls: "scan-forged", title: t("checkin.otherEvent") };
      case "error":
        return {
          cls: "scan-unknown",
          title: outcome.error instanceof ApiProblem && outcome.error.status === 403 ? t("checkin.forbidden") : t("errors.unknown", { code: outcome.error instanceof ApiProblem ? outcome.error.code : "?" }),
        };
    }
  })();
  return (
    <div role="status" aria-live="assertive" className={`scan-result ${view.cls}`} data-testid="scan-result">
      <strong>{view.title}</strong>
      {view.detail && <p>{view.detail}</p>}
    </div>
  );
}
