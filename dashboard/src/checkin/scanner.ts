/**
 * Door check-in for one event, online and offline.
 * Online: POST /api/checkin (the server admits each ticket exactly once).
 * Offline (no network, or the request cannot reach the API): the code's ES256 signature is
 * verified against the bundle's keys, the ticket looked up in the bundle and in this device's
 * own scans; an admission is recorded locally and uploaded by `sync()` later
 * (POST /api/checkin/events/:eventId/sync), which reports conflicts (e.g. another gate admitted
 * the same ticket first while this one was offline).
 */
import { ApiProblem, api, call } from "../api/client";
import { verifyTicketCode, type PublicJwk } from "./jws";
import { kv } from "./store";

export type BundleTicket = { id: string; ticketTypeId: string; status: "valid" | "checked_in" | "void"; version: number; checkedInAt: string | null };
export type Bundle = { eventId: string; generatedAt: string; jwks: { keys: PublicJwk[] }; tickets: BundleTicket[] };
export type LocalScan = { code: string; ticketId: string; scannedAt: string; synced: boolean; serverResult?: SyncResult["result"]; serverCheckedInAt?: string };
export type SyncResult = { index: number; ticketId: string | null; result: "admitted" | "already_checked_in" | "void" | "invalid" | "not_found"; checkedInAt?: string; reason?: string };

export type ScanOutcome =
  | { kind: "admitted"; ticketId: string; offline: boolean; unlisted?: boolean }
  | { kind: "already"; ticketId?: string; checkedInAt?: string; offline: boolean }
  | { kind: "void"; ticketId?: string; offline: boolean }
  | { kind: "forged"; reason?: string; offline: boolean }
  | { kind: "not_found"; offline: boolean }
  | { kind: "other_event"; offline: boolean }
  | { kind: "error"; error: unknown; offline: boolean };

export type ScannerState = { bundle: Bundle | null; scans: LocalScan[] };
const stateKey = (eventId: string) => `event:${eventId}`;

export async function loadState(eventId: string): Promise<ScannerState> {
  return (await kv.get<ScannerState>(stateKey(eventId))) ?? { bundle: null, scans: [] };
}
export const saveState = (eventId: string, state: ScannerState) => kv.set(stateKey(eventId), state);

export async function fetchBundle(eventId: string): Promise<Bundle> {
  return (await call(api.GET("/api/checkin/events/{eventId}/bundle", { params: { path: { eventId } } }))) as Bundle;
}

const isNetworkProblem = (err: unknown) => err instanceof ApiProblem && err.code === "network";

/** Live check-in; throws only when the API cannot be reached (then check offline). */
export async function checkOnline(code: string): Promise<ScanOutcome & { ticketId?: string }> {
  try {
    const { ticket } = await call(api.POST("/api/checkin", { body: { code } }));
    return { kind: "admitted", ticketId: ticket.id, offline: false };
  } catch (err) {
    if (isNetworkProblem(err)) throw err;
    if (!(err instanceof ApiProblem)) return { kind: "error", error: err, offline: false };
    const details = (err.details ?? {}) as { checkedInAt?: string; ticketId?: string; reason?: string };
    switch (err.code) {
      case "already_checked_in":
        return { kind: "already", ticketId: details.ticketId, checkedInAt: details.checkedInAt, offline: false };
      case "ticket_void":
        return { kind: "void", ticketId: details.ticketId, offline: false };
      case "ticket_not_found":
        return { kind: "not_found", offline: false };
      case "invalid_code":
      case "invalid_request":
        return { kind: "forged", reason: details.reason, offline: false };
      default:
        return { kind: "error", error: err, offline: false };
    }
  }
}

/** Offline decision from the bundle and this device's own scans. Mutates `state.scans` on admit. */
export async function checkOffline(eventId: string, code: string, state: ScannerState, now = new Date()): Promise<ScanOutcome> {
  if (!state.bundle) return { kind: "error", error: new ApiProblem(0, "network", "no offline bundle"), offline: true };
  const verified = await verifyTicketCode(code, state.bundle.jwks, now.getTime());
  if (!verified.ok) return { kind: "forged", reason: verified.reason, offline: true };
  const { tid, eid, v } = verified.claims;
  if (eid !== eventId) return { kind: "other_event", offline: true };
  const mine = state.scans.find((s) => s.ticketId === tid);
  if (mine) return { kind: "already", ticketId: tid, checkedInAt: mine.serverCheckedInAt ?? mine.scannedAt, offline: true };
  const listed = state.bundle.tickets.find((t) => t.id === tid);
  if (listed) {
    if (listed.version !== v) return { kind: "forged", reason: "superseded", offline: true };
    if (listed.status === "void") return { kind: "void", ticketId: tid, offline: true };
    if (listed.status === "checked_in") return { kind: "already", ticketId: tid, checkedInAt: listed.checkedInAt ?? undefined, offline: true };
  }
  // A genuine signature for this event but not in the bundle: issued after it was downloaded.
  // Admitted (the signature proves it is real; the sync settles it), and marked as unlisted.
  state.scans.push({ code, ticketId: tid, scannedAt: now.toISOString(), synced: false });
  return { kind: "admitted", ticketId: tid, offline: true, unlisted: !listed };
}

/** Records an online admission locally, so the device still knows it if the network drops. */
export function rememberOnline(state: ScannerState, code: string, outcome: ScanOutcome) {
  if (outcome.kind !== "admitted" && outcome.kind !== "already") return;
  const ticketId = outcome.ticketId;
  if (!ticketId || state.scans.some((s) => s.ticketId === ticketId)) return;
  const at = outcome.kind === "already" ? outcome.checkedInAt : undefined;
  state.scans.push({ code, ticketId, scannedAt: at ?? new Date().toISOString(), synced: true, serverResult: outcome.kind === "admitted" ? "admitted" : "already_checked_in", serverCheckedInAt: at });
}

const SYNC_BATCH = 200;
/** Uploads unsynced scans; returns the conflicts (anything but a clean admission). */
export async function syncScans(eventId: string, state: ScannerState): Promise<LocalScan[]> {
  const conflicts: LocalScan[] = [];
  for (;;) {
    const pending = state.scans.filter((s) => !s.synced).slice(0, SYNC_BATCH);
    if (!pending.length) break;
    const { results } = (await call(
      api.POST("/api/checkin/events/{eventId}/sync", { params: { path: { eventId } }, body: { scans: pending.map((s) => ({ code: s.code, scannedAt: s.scannedAt })) } }),
    )) as { results: SyncResult[] };
    for (const r of results) {
      const scan = pending[r.index];
      if (!scan) continue;
      scan.synced = true;
      scan.serverResult = r.result;
      scan.serverCheckedInAt = r.checkedInAt;
      if (r.result !== "admitted") conflicts.push(scan);
    }
  }
  return conflicts;
}
