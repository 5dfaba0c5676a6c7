import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { en, type MessageKey } from "./en";
import { vi } from "./vi";

export type Lang = "en" | "vi";
export const LANGS: Record<Lang, { label: string; messages: Record<MessageKey, string>; locale: string }> = {
  en: { label: "English", messages: en, locale: "en-GB" },
  vi: { label: "Tiếng Việt", messages: vi, locale: "vi-VN" },
};
const STORAGE_KEY = "lang";

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "vi") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("vi") ? "vi" : "en";
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

type I18n = { lang: Lang; locale: string; setLang: (lang: Lang) => void; t: Translate };
const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const messages = LANGS[lang].messages;
    const t: Translate = (key, vars) => {
      const text = messages[key] ?? en[key] ?? key;
      return vars ? text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m)) : text;
    };
    return { lang, locale: LANGS[lang].locale, setLang, t };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** `const { t, lang, locale } = useI18n();` then `t("store.title")`. */
export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}
export const useT = () => useI18n().t;
