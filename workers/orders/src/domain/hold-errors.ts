import { ApiError } from "@tickets/common";
import type { HoldFailureCode } from "../ports";

/** What the buyer sees when the inventory object refuses a hold (nothing is held then). */
export function holdFailureError(code: HoldFailureCode, message: string, details?: unknown): ApiError {
  switch (code) {
    case "queue_required":
      return new ApiError(403, code, message, details);
    case "unknown_ticket_type":
      return new ApiError(404, "unknown_ticket_type", message || "No such ticket type for this event", details);
    case "client_limit_exceeded":
      return new ApiError(429, code, message, details);
    case "hold_cooldown": {
      const after = (details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      return new ApiError(429, code, message, details, after ? { "retry-after": String(after) } : undefined);
    }
    case "challenge_required":
      return new ApiError(403, code, message, details);
    case "sold_out":
    case "limit_exceeded":
    case "sales_closed":
    case "not_on_sale":
      return new ApiError(409, code, message, details);
    default:
      return new ApiError(409, String(code), message || "The tickets could not be held", details);
  }
}

