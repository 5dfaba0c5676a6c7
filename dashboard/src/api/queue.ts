/**
 * The waiting room, through the one client: join, my place, leave, the live socket, and the
 * admission pass kept per event in sessionStorage (this tab only; gone when the tab closes).
 */
import { API_ORIGIN, api, call } from "./client";
import type { QueueStatus } from "./types";

export const joinQueue = (eventId: string) => call(api.POST("/api/events/{id}/queue", { params: { path: { id: eventId } } }));
export const queuePlace = (eventId: string) => call(api.GET("/api/events/{id}/queue/me", { params: { path: { id: eventId } } }));
export const leaveQueue = (eventId: string) => call(api.DELETE("/api/events/{id}/queue", { params: { path: { id: eventId } } }));
export const queueStats = (eventId: string) => call(api.GET("/api/events/{id}/queue", { params: { path: { id: eventId } } }));

/**
 * Opens the room's WebSocket (a browser cannot send Authorization there: the socketToken from
 * joining names the account). `onStatus` gets every pushed place; `onGone` once when the socket
 * fails or closes, so the caller can poll instead.
 */
export function openQueueSocket(eventId: string, socketToken: string, onStatus: (s: QueueStatus) => void, onGone: () => void): () => void {
  const url = `${API_ORIGIN.replace(/^http/, "ws")}/api/events/${encodeURIComponent(eventId)}/queue/ws?token=${encodeURIComponent(socketToken)}`;
  let gone = false;
  const giveUp = () => {
    if (gone) return;
    gone = true;
    onGone();
  };
  let socket: WebSocket;
  try {
    socket = new WebSocket(url);
  } catch {
    queueMicrotask(giveUp);
    return () => {};
  }
  socket.addEventListener("message", (e) => {
    try {
      const message = JSON.parse(String(e.data)) as { type?: string } & QueueStatus;
      if (message.type === "status") {
        const { type: _type, ...status } = message;
        onStatus(status);
      }
    } catch {
      // "pong" or anything else that is not a status: ignore
    }
  });
  socket.addEventListener("error", giveUp);
  socket.addEventListener("close", giveUp);
  return () => {
    gone = true;
    socket.close();
  };
}

/** The admission pass for an event, until it expires (sent as Queue-Pass with POST /api/orders). */
export type SavedPass = { pass: string; expiresAt?: string };
const passKey = (eventId: string) => `edge-tickets.queue-pass.${eventId}`;
const joinedKey = (eventId: string) => `edge-tickets.queue-joined.${eventId}`;

export const queuePass = {
  get(eventId: string): SavedPass | null {
    try {
      const saved = JSON.parse(sessionStorage.getItem(passKey(eventId)) ?? "null") as SavedPass | null;
      if (!saved) return null;
      if (saved.expiresAt && Date.parse(saved.expiresAt) <= Date.now()) {
        sessionStorage.removeItem(passKey(eventId));
        return null;
      }
      return saved;
    } catch {
      return null;
    }
  },
  set(eventId: string, pass: string, expiresAt?: string) {
    sessionStorage.setItem(passKey(eventId), JSON.stringify({ pass, expiresAt }));
  },
  clear(eventId: string) {
    sessionStorage.removeItem(passKey(eventId));
  },
};

/** Whether this tab joined the room of an event (a reload then rejoins: the same place comes back). */
export const queueJoined = {
  has: (eventId: string) => sessionStorage.getItem(joinedKey(eventId)) !== null,
  set: (eventId: string) => sessionStorage.setItem(joinedKey(eventId), "1"),
  clear: (eventId: string) => sessionStorage.removeItem(joinedKey(eventId)),
};
