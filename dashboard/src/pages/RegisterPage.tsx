import { useState, type FormEvent } from "react";
import { useAuth } from "../auth/AuthContext";
import { useI18n } from "../i18n";
import { Link, navigate, safeNext, useSearchParam } from "../lib/router";
import { Button, Checkbox, ErrorMessage, Field, PageTitle, useAction } from "../components";

export function RegisterPage() {
  const { t, lang } = useI18n();
  const { register } = useAuth();
  const next = safeNext(useSearchParam("next"));
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [organizer, setOrganizer] = useState(false);
  const action = useAction(async () => {
    await register({ name: name.trim(), email: email.trim(), password, role: organizer ? "organizer" : "buyer", locale: lang });
    navigate(organizer && next === "/" ? "/organizer" : next, { replace: true });
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run();
  };

  return (
    <section className="card auth-card">
      <PageTitle>{t("auth.registerTitle")}</PageTitle>
      <form className="form" onSubmit={submit} noValidate>
        <Field label={t("auth.name")} autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
        <Field label={t("auth.email")} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label={t("auth.password")}
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint={t("auth.passwordHint")}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Checkbox label={t("auth.organizer")} checked={organizer} onChange={(e) => setOrganizer(e.target.checked)} />
        <ErrorMessage error={action.error} />
        <div className="actions">
          <Button type="submit" busy={action.busy}>
            {t("auth.register")}
          </Button>
        </div>
      </form>
      <p>
        {t("auth.haveAccount")} <Link href={`/login${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`}>{t("nav.signIn")}</Link>
      </p>
    </section>
  );
}
