import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, call, refreshSession, session } from "../api/client";
import type { User } from "../api/types";
import { disablePush } from "../lib/push";

type Status = "loading" | "signedIn" | "signedOut";
type Auth = {
  status: Status;
  user: User | null;
  hasRole: (role: User["roles"][number]) => boolean;
  signIn: (email: string, password: string) => Promise<User>;
  register: (body: { email: string; password: string; name: string; role?: "buyer" | "organizer"; locale?: "vi" | "en" }) => Promise<User>;
  signOut: () => Promise<void>;
};

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>(session.hasRefreshToken() ? "loading" : "signedOut");
  const [user, setUser] = useState<User | null>(null);

  useEffect(
    () =>
      session.subscribe((signedIn) => {
        if (!signedIn) {
          setUser(null);
          setStatus("signedOut");
        }
      }),
    [],
  );

  // A reload keeps the session: the refresh token in sessionStorage buys a new access token.
  // Without network (a door scanner reloading mid-outage) the remembered user stays signed in;
  // the first API call once back online refreshes the tokens.
  useEffect(() => {
    if (!session.hasRefreshToken()) return;
    (async () => {
      const outcome = await refreshSession();
      if (outcome === "refreshed") {
        try {
          const { user } = await call(api.GET("/api/auth/me"));
          session.rememberUser(user);
          setUser(user);
          setStatus("signedIn");
          return;
        } catch {
          /* fall through */
        }
      }
      const remembered = session.rememberedUser<User>();
      if (outcome !== "rejected" && remembered && session.hasRefreshToken()) {
        setUser(remembered);
        setStatus("signedIn");
        return;
      }
      setStatus("signedOut");
    })();
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const result = await call(api.POST("/api/auth/login", { body: { email, password } }));
    session.set(result);
    session.rememberUser(result.user);
    setUser(result.user);
    setStatus("signedIn");
    return result.user;
  }, []);

  const register = useCallback<Auth["register"]>(async (body) => {
    const result = await call(api.POST("/api/auth/register", { body }));
    session.set(result);
    session.rememberUser(result.user);
    setUser(result.user);
    setStatus("signedIn");
    return result.user;
  }, []);

  const signOut = useCallback(async () => {
    // Pushes name the buyer's orders: the next person on this browser must not get them.
    await disablePush().catch(() => {});
    try {
      await call(api.POST("/api/auth/logout"));
    } catch {
      /* signing out locally is what matters */
    }
    session.clear();
  }, []);

  const value = useMemo<Auth>(
    () => ({ status, user, hasRole: (role) => !!user?.roles.includes(role), signIn, register, signOut }),
    [status, user, signIn, register, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth outside AuthProvider");
  return ctx;
}
