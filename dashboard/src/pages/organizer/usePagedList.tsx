import { useEffect, useState, type DependencyList } from "react";
import type { List } from "../../api/types";
import { useI18n } from "../../i18n";
import { Button, ErrorMessage, useAction, useApi } from "../../components";

/**
 * A cursor-paged list: the first page loads (and reloads) like useApi; `loadMore` appends the
 * next pages, which are dropped when `deps` change. `paged` is true once more than one page is
 * open (live refreshes should then stop so the list does not jump).
 */
export function usePagedList<T>(loadPage: (cursor?: string) => Promise<List<T>>, deps: DependencyList) {
  const first = useApi(() => loadPage(), deps);
  const [more, setMore] = useState<List<T> | null>(null);
  const nextCursor = more ? more.nextCursor : (first.data?.nextCursor ?? null);
  const next = useAction(async () => {
    if (!nextCursor) return;
    const page = await loadPage(nextCursor);
    setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], nextCursor: page.nextCursor }));
  });
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setMore(null), deps);

  return {
    items: first.data ? [...first.data.items, ...(more?.items ?? [])] : undefined,
    error: first.error,
    loading: first.loading,
    reload: first.reload,
    paged: more !== null,
    more: { nextCursor, loadMore: () => void next.run(), loadingMore: next.busy, moreError: next.error },
  };
}

/** "Load more" under a paged list (with the error of the last attempt, if any). */
export function LoadMore({ more }: { more: ReturnType<typeof usePagedList>["more"] }) {
  const { t } = useI18n();
  return (
    <>
      <ErrorMessage error={more.moreError} onRetry={more.loadMore} />
      {more.nextCursor && (
        <div className="actions">
          <Button variant="secondary" busy={more.loadingMore} onClick={more.loadMore}>
            {t("org.loadMore")}
          </Button>
        </div>
      )}
    </>
  );
}
