import { useState, type FormEvent } from "react";
import { useAuth } from "../auth/AuthContext";
import { useT } from "../i18n";
import { Link, navigate, safeNext, useSearchParam } from "../lib/router";
import { Button, ErrorMessage, Field, PageTitle, useAction } from "../components";

export function LoginPage() {
  const t = useT();
  const { signIn } = useAuth();
  const next = safeNext(useSearchParam("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction(async () => {
    await signIn(email.trim(), password);
    navigate(next, { replace: true });
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };

  return (
    <section className="card auth-card">
      <PageTitle>{t("auth.signInTitle")}</PageTitle>
      {next !== "/" && <p className="notice notice-info">{t("auth.required")}</p>}
      <form className="form" onSubmit={submit} noValidate>
        <Field label={t("auth.email")} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t("auth.password")} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorMessage error={action.error} />
        <div className="actions">
          <Button type="submit" busy={action.busy}>
            {t("auth.signIn")}
          </Button>
        </div>
      </form>
      <p>
        {t("auth.noAccount")} <Link href={`/register${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}>{t("nav.register")}</Link>
      </p>
    </section>
  );
}
