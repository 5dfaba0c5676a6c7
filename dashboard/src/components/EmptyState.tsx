import type { ReactNode } from "react";

/** What to show when a list is empty: say what to do next (`action` e.g. a Link). */
export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <p>{children}</p>
      {action}
    </div>
  );
}
