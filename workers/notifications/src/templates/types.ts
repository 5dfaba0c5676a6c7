export const TEMPLATES = ["order_confirmed", "payment_failed", "order_expired", "order_cancelled", "refund_succeeded", "event_reminder", "support_reply", "daily_report", "payment_link", "event_cancelled"] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export type TemplateData = {
  name?: string | null;
  orderId?: string;
  event?: { title: string; venue?: string | null; startsAt?: string | null } | null;
  /** event_reminder: minutes from sending to the event's start. */
  startsInMinutes?: number | null;
  totalVnd?: number | null;
  amountVnd?: number | null;
  responseCode?: string | null;
  /** Why the organizer cancelled the event (event_cancelled). */
  reason?: string | null;
  tickets?: Array<{ url: string; label?: string | null }>;
  /** payment_link: where to pay and until when (the hold's end). */
  payment?: { url: string; expiresAt: string } | null;
  /** support_reply: who it is for ("author" of the ticket or the event's "organizer"), the ticket and a preview. */
  support?: { side: "author" | "organizer"; subject: string; excerpt: string; url: string };
  /** daily_report: an organizer's figures of one Vietnam day and the link to the CSV. */
  report?: { date: string; events: number; ticketsSold: number; grossVnd: number; refundedVnd: number; netVnd: number; url: string } | null;
};

/** One message in one language, before it becomes text, HTML and SMS. */
export type MessageParts = {
  subject: string;
  paragraphs: Array<string | null | false | undefined>;
  links?: Array<{ label: string; url: string }>;
  /** One call to action, shown as a button in HTML (a labelled line in text). */
  button?: { label: string; url: string };
  sms: string;
};

export type Copy = {
  greeting(name: string | null | undefined): string;
  signoff: string[];
} & Record<TemplateName, (d: TemplateData) => MessageParts>;
