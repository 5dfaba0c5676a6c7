import { useEffect, useState } from "react";
import { ApiProblem } from "../api/client";
import { useT } from "../i18n";
import { disablePush, enablePush, pushState, resyncPush, type PushState } from "../lib/push";
import { Button, ErrorMessage, useAction } from "../components";

/** The buyer's opt-in to Web Push in this browser (order confirmations, reminders, cancellations). */
export function PushOptIn() {
  const t = useT();
  const [state, setState] = useState<PushState | null>(null);
  const [note, setNote] = useState<"dismissed" | "unreachable" | null>(null);

  useEffect(() => {
    let current = true;
    pushState()
      .then((s) => {
        if (!current) return;
        setState(s);
        if (s === "on") void resyncPush();
      })
      .catch(() => current && setState("unsupported"));
    return () => {
      current = false;
    };
  }, []);

  const turnOn = useAction(async () => {
    const result = await enablePush();
    const unfinished = result === "dismissed" || result === "unreachable";
    setNote(unfinished ? result : null);
    setState(unfinished ? "off" : result);
  });
  const turnOff = useAction(async () => {
    await disablePush();
    setState("off");
  });
  const error = turnOn.error ?? turnOff.error;

  if (!state) return null;
  return (
    <section className="card stack push-opt-in" aria-labelledby="push-h" data-push-state={state}>
      <h2 id="push-h">{t("push.title")}</h2>
      {state === "unsupported" ? (
        <p>{t("push.unsupported")}</p>
      ) : state === "on" ? (
        <>
          <p className="notice notice-ok" role="status">{t("push.on")}</p>
          <div>
            <Button variant="secondary" busy={turnOff.busy} onClick={() => void turnOff.run()}>
              {t("push.disable")}
            </Button>
          </div>
        </>
      ) : (
        <>
          <p>{t("push.intro")}</p>
          {state === "denied" && <p className="notice notice-warn" role="alert">{t("push.denied")}</p>}
          {note === "dismissed" && <p className="notice notice-info" role="status">{t("push.dismissed")}</p>}
          {note === "unreachable" && <p className="notice notice-warn" role="alert">{t("push.unreachable")}</p>}
          <div>
            <Button busy={turnOn.busy} onClick={() => void turnOn.run()}>
              {t("push.enable")}
            </Button>
          </div>
        </>
      )}
      {error instanceof ApiProblem ? (
        <ErrorMessage error={error} />
      ) : error ? (
        <p className="notice notice-error" role="alert">
          {t("push.failed", { reason: error instanceof Error ? error.message : String(error) })}
        </p>
      ) : null}
    </section>
  );
}
