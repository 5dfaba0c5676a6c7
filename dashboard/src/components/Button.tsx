import type { ButtonHTMLAttributes } from "react";
import { Spinner } from "./Spinner";

type Props = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "primary" | "secondary" | "danger" | "link"; busy?: boolean };

/** A button; `busy` disables it and shows a spinner beside the text. */
export function Button({ variant = "primary", busy = false, disabled, className, children, type = "button", ...rest }: Props) {
  return (
    <button type={type} className={`btn btn-${variant}${className ? ` ${className}` : ""}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <Spinner inline />}
      {children}
    </button>
  );
}
