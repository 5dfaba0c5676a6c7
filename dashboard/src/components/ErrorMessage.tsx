import { ApiProblem } from "../api/client";
import { useI18n, type Translate } from "../i18n";
import { en, type MessageKey } from "../i18n/en";
import { Button } from "./Button";

/** Plain words for any error thrown by `call(...)` (or anything else). */
export function describeError(err: unknown, t: Translate, lang: string, { missingRoute = false } = {}): string {
  if (!(err instanceof ApiProblem)) return t("errors.unknown", { code: err instanceof Error ? err.message : String(err) });
  if (err.code === "network") return t("errors.network");
  if (err.status === 404 && missingRoute) return t("errors.unavailable");
  if (err.code === "rate_limited") return t("errors.rate_limited", { seconds: err.retryAfter ?? 10 });
  if (err.code === "invalid_request") return t("errors.invalid_request", { message: invalidFields(err.details) || err.message });
  if (err.status === 401) return t("errors.unauthorized");
  if (err.status === 403 && !(`errors.${err.code}` in en)) return t("errors.forbidden");
  const key = `errors.${err.code}` as MessageKey;
  if (key in en) return t(key);
  if (lang === "en" && err.message) return err.message;
  return t("errors.unknown", { code: err.code });
}

function invalidFields(details: unknown): string {
  if (!Array.isArray(details)) return "";
  return details
    .map((d: { path?: unknown[]; message?: string }) => [Array.isArray(d.path) ? d.path.join(".") : "", d.message].filter(Boolean).join(": "))
    .filter(Boolean)
    .join("; ");
}

/**
 * An error box (role="alert"). `missingRoute`: a 404 means this API part is not deployed yet
 * (say so instead of "not found"). `onRetry` adds a "Try again" button.
 */
export function ErrorMessage({ error, onRetry, missingRoute }: { error: unknown; onRetry?: () => void; missingRoute?: boolean }) {
  const { t, lang } = useI18n();
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <p>{describeError(error, t, lang, { missingRoute })}</p>
      {onRetry && (
        <Button variant="secondary" onClick={onRetry}>
          {t("common.retry")}
        </Button>
      )}
    </div>
  );
}
