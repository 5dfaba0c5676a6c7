import { useI18n } from "../../i18n";
import { Button, DateTime, ErrorMessage } from "../../components";
import type { WaitingRoom } from "./useWaitingRoom";

/** "about 3 min" / "less than a minute": a wait in plain words. */
function useWaitText() {
  const { t } = useI18n();
  return (seconds: number) => (seconds < 60 ? t("queue.waitUnderMinute") : t("queue.waitMinutes", { count: Math.round(seconds / 60) }));
}

/**
 * Shown instead of Buy while the event's waiting room is on and the buyer has no pass yet:
 * "Join the queue", then the live place, the estimated wait and how the fair draw works.
 */
export function QueuePanel({ room, signedIn, onSignIn, timeZone }: { room: WaitingRoom; signedIn: boolean; onSignIn: () => void; timeZone?: string | null }) {
  const { t } = useI18n();
  const waitText = useWaitText();
  const { status } = room;

  if (!status || status.state !== "waiting") {
    return (
      <div className="queue-panel stack">
        <p className="notice notice-info">{t("queue.intro")}</p>
        <ErrorMessage error={room.error} />
        {signedIn ? (
          <Button className="btn-large" busy={room.joining} onClick={() => void room.join()}>
            {t("queue.join")}
          </Button>
        ) : (
          <Button className="btn-large" onClick={onSignIn}>
            {t("queue.signInToJoin")}
          </Button>
        )}
      </div>
    );
  }

  const beforeDraw = status.drawAt !== null && Date.parse(status.drawAt) > Date.now();
  return (
    <div className="queue-panel stack" role="status" aria-live="polite" aria-labelledby="queue-heading">
      <h3 id="queue-heading">{t("queue.waitingTitle")}</h3>
      {beforeDraw ? (
        <p className="queue-place" data-testid="queue-draw">
          {t("queue.inDraw", { count: status.position })}
        </p>
      ) : (
        <p className="queue-place" data-testid="queue-position">
          {t("queue.place", { position: status.position })}
        </p>
      )}
      <p data-testid="queue-wait">{beforeDraw ? t("queue.drawAt") : t("queue.wait", { wait: waitText(status.estimatedWaitSeconds) })}{beforeDraw && <> <DateTime iso={status.drawAt!} timeZone={timeZone} style="short" /></>}</p>
      <p className="meta">{beforeDraw ? t("queue.fairDrawBefore") : t("queue.fairDrawAfter")}</p>
      <p className="meta">{t("queue.keepOpen")}</p>
      {(room.live === "socket" || room.live === "polling") && (
        <p className="meta" data-testid="queue-live">
          {room.live === "socket" ? t("queue.liveSocket") : t("queue.livePolling")}
        </p>
      )}
      <ErrorMessage error={room.error} />
      <Button variant="secondary" onClick={() => void room.leave()}>
        {t("queue.leave")}
      </Button>
    </div>
  );
}
