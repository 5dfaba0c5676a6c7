import { useEffect, type ReactNode } from "react";
import { useAuth } from "./AuthContext";
import { navigate } from "../lib/router";
import { Spinner } from "../components/Spinner";

/** Renders children when signed in; otherwise sends the visitor to /login and back here after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  useEffect(() => {
    if (status === "signedOut") {
      navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    }
  }, [status]);
  if (status !== "signedIn") return <Spinner />;
  return <>{children}</>;
}
