import { useEffect, type ReactNode } from "react";

/** The page's <h1>; also sets document.title. */
export function PageTitle({ children, text }: { children: ReactNode; text?: string }) {
  useEffect(() => {
    const title = text ?? (typeof children === "string" ? children : "");
    document.title = title ? `${title} · Edge Tickets` : "Edge Tickets";
  }, [children, text]);
  return <h1 tabIndex={-1} id="page-title">{children}</h1>;
}
