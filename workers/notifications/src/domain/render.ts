import type { Locale } from "../env";
import { en } from "../templates/en";
import { vi } from "../templates/vi";
import type { TemplateData, TemplateName } from "../templates/types";
import { escapeHtml, toSmsText } from "./format";

export type Rendered = { subject: string; text: string; html: string; sms: string; push: { title: string; body: string; url: string } };

const PUSH_BODY_MAX = 300;

const COPY = { vi, en } as const;

/** One template in the recipient's language as plain text, HTML (every value escaped) and SMS. */
export function render(template: TemplateName, locale: Locale, data: TemplateData): Rendered {
  const copy = COPY[locale] ?? COPY.vi;
  const parts = copy[template](data);
  const paragraphs = parts.paragraphs.filter((p): p is string => typeof p === "string" && p.length > 0);
  const links = parts.links ?? [];
  const button = parts.button;
  const greeting = copy.greeting(data.name);

  const text = [
    greeting,
    ...paragraphs,
    ...(button ? [`${button.label}: ${button.url}`] : []),
    ...(links.length ? [links.map((l) => `- ${l.label}: ${l.url}`).join("\n")] : []),
    copy.signoff.join("\n"),
  ].join("\n\n");

  const e = escapeHtml;
  const html = [
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${e(parts.subject)}</title></head>`,
    `<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5">`,
    `<p>${e(greeting)}</p>`,
    ...paragraphs.map((p) => `<p>${e(p)}</p>`),
    button
      ? `<p><a href="${e(button.url)}" style="display:inline-block;padding:12px 24px;background:#0b5fff;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold">${e(button.label)}</a></p>`
      : "",
    links.length ? `<ul>${links.map((l) => `<li><a href="${e(l.url)}">${e(l.label)}</a></li>`).join("")}</ul>` : "",
    `<p>${copy.signoff.map(e).join("<br>")}</p>`,
    `</body></html>`,
  ].join("");

  // A push shows the subject and the message's first sentence, and opens the order (or the home page).
  const body = paragraphs[0] ?? parts.sms;
  const push = {
    title: parts.subject,
    body: body.length > PUSH_BODY_MAX ? `${body.slice(0, PUSH_BODY_MAX - 1)}…` : body,
    url: data.orderId ? `/orders/${encodeURIComponent(data.orderId)}` : "/",
  };
  return { subject: parts.subject, text, html, sms: toSmsText(parts.sms), push };
}
