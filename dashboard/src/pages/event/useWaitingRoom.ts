import { useCallback, useEffect, useRef, useState } from "react";
import { ApiProblem } from "../../api/client";
import { joinQueue, leaveQueue, openQueueSocket, queueJoined, queuePass, queuePlace, type SavedPass } from "../../api/queue";
import type { QueueStatus } from "../../api/types";

const POLL_MS = 3000;

export type WaitingRoom = {
  /** null: not in the room (show "Join the queue"). */
  status: QueueStatus | null;
  /** The pass once admitted (also after a reload, until it expires). */
  pass: SavedPass | null;
  /** "socket": places are pushed (a first one arrived); "polling": the socket failed or closed, asking every few seconds. */
  live: "connecting" | "socket" | "polling" | null;
  joining: boolean;
  error: unknown;
  join: () => Promise<void>;
  leave: () => Promise<void>;
  /** The pass was refused (expired, or the room was switched on meanwhile): back to the queue. */
  passRefused: () => void;
};

/**
 * A buyer's place in an event's waiting room: join, then the live place over the WebSocket,
 * falling back to polling GET …/queue/me when the socket fails or closes; the pass once admitted.
 */
export function useWaitingRoom(eventId: string, enabled: boolean): WaitingRoom {
  const [status, setStatus] = useState<QueueStatus | null>(null);
  const [pass, setPass] = useState<SavedPass | null>(() => queuePass.get(eventId));
  const [live, setLive] = useState<WaitingRoom["live"]>(null);
  const [joining, setJoining] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const closeSocket = useRef<() => void>(() => {});

  const apply = useCallback(
    (next: QueueStatus) => {
      setStatus(next);
      if (next.state === "admitted" && next.pass) {
        queuePass.set(eventId, next.pass, next.passExpiresAt);
        setPass({ pass: next.pass, expiresAt: next.passExpiresAt });
        setLive(null);
        closeSocket.current();
      }
    },
    [eventId],
  );

  const join = useCallback(async () => {
    setJoining(true);
    setError(null);
    try {
      const joined = await joinQueue(eventId);
      queueJoined.set(eventId);
      apply(joined);
      if (joined.state === "admitted") return;
      closeSocket.current();
      if (joined.socketToken) {
        setLive("connecting");
        const pushed = (next: QueueStatus) => {
          setLive((l) => (l === "connecting" ? "socket" : l));
          apply(next);
        };
        const gone = () => setLive((l) => (l === "socket" || l === "connecting" ? "polling" : l));
        closeSocket.current = openQueueSocket(eventId, joined.socketToken, pushed, gone);
      } else setLive("polling");
    } catch (err) {
      setError(err);
    } finally {
      setJoining(false);
    }
  }, [eventId, apply]);

  // Polling fallback while waiting without a socket.
  useEffect(() => {
    if (live !== "polling") return;
    const id = setInterval(() => {
      queuePlace(eventId).then(apply, (err: unknown) => {
        if (err instanceof ApiProblem && err.code === "not_in_queue") {
          // The place is gone (left in another tab, or the pass expired): join again from scratch.
          queueJoined.clear(eventId);
          setStatus(null);
          setLive(null);
        }
      });
    }, POLL_MS);
    return () => clearInterval(id);
  }, [live, eventId, apply]);

  // A reload while waiting comes back to the same place (joining again answers it).
  useEffect(() => {
    if (enabled && !pass && queueJoined.has(eventId)) void join();
    return () => closeSocket.current();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [eventId, enabled]);

  const leave = useCallback(async () => {
    closeSocket.current();
    setLive(null);
    setStatus(null);
    queueJoined.clear(eventId);
    queuePass.clear(eventId);
    setPass(null);
    try {
      await leaveQueue(eventId);
    } catch (err) {
      setError(err);
    }
  }, [eventId]);

  const passRefused = useCallback(() => {
    queuePass.clear(eventId);
    queueJoined.clear(eventId);
    setPass(null);
    setStatus(null);
  }, [eventId]);

  return { status, pass, live, joining, error, join, leave, passRefused };
}
