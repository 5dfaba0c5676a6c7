export const TEMPLATES = ["order_confirmed", "payment_failed", "order_expired", "order_cancelled", "refund_succeeded", "event_reminder", "event_cancelled"] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export type TemplateData = {
  name?: string | null;
  orderId?: string;
  event?: { title: string; venue?: string | null; startsAt?: string | null } | null;
  totalVnd?: number | null;
  amountVnd?: number | null;
  responseCode?: string | null;
  /** Why the organizer cancelled the event (event_cancelled). */
  reason?: string | null;
  tickets?: Array<{ url: string; label?: string | null }>;
};

/** One message in one language, before it becomes text, HTML and SMS. */
export type MessageParts = {
  subject: string;
  paragraphs: Array<string | null | false | undefined>;
  links?: Array<{ label: string; url: string }>;
  sms: string;
};

export type Copy = {
  greeting(name: string | null | undefined): string;
  signoff: string[];
} & Record<TemplateName, (d: TemplateData) => MessageParts>;
