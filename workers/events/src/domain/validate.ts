import { ApiError } from "@tickets/common";

/** A 400 in the same shape as schema failures: details is a list of {path, message, code}. */
export const invalid = (path: string, message: string) =>
  new ApiError(400, "invalid_request", "The request is invalid", [{ path, message, code: "custom" }]);

export const toMs = (iso: string) => new Date(iso).getTime();
export const toIso = (ms: number) => new Date(ms).toISOString();
export const toIsoOrNull = (ms: number | null) => (ms === null ? null : toIso(ms));
