import { breakerOptions, circuitBreaker, CircuitOpenError, retry } from "@tickets/common";
import type { Channel } from "../db/schema";
import { localOutbox } from "../db/schema";
import type { Db } from "../db/client";
import type { Env } from "../env";
import { LocalPushDriver, PushGone, vapidFrom, WebPushDriver } from "./push";

export type OutgoingMessage = {
  /** The notification id: providers use it as an idempotency key, so a retried send is not delivered twice. */
  id: string;
  channel: Channel;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** Push: the page the notification opens. */
  url?: string | null;
};

export interface ChannelDriver {
  send(msg: OutgoingMessage): Promise<{ providerId: string }>;
}

/** Development and tests: the message is recorded in D1 (local_outbox) instead of leaving the machine. */
export class LocalDriver implements ChannelDriver {
  constructor(private readonly db: Db) {}

  async send(msg: OutgoingMessage) {
    await this.db
      .insert(localOutbox)
      .values({ id: msg.id, channel: msg.channel, recipient: msg.to, subject: msg.subject, bodyText: msg.text, bodyHtml: msg.html, createdAt: Date.now() })
      .onConflictDoNothing();
    return { providerId: `local:${msg.id}` };
  }
}

const TIMEOUT_MS = 10_000;

/** The provider answered and refused this one message (HTTP 4xx but 408/429): it is up, retrying the same message is pointless. */
export class ProviderRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderRefusal";
  }
}

type HttpProvider = { url: string; apiKey: string; from: string; fetch?: typeof fetch };

async function postJson(cfg: HttpProvider, idempotencyKey: string, body: unknown): Promise<{ providerId: string }> {
  const res = await (cfg.fetch ?? fetch)(cfg.url, {
    method: "POST",
    headers: { authorization: `Bearer ${cfg.apiKey}`, "content-type": "application/json", "idempotency-key": idempotencyKey },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  const refused = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
  if (!res.ok) throw new (refused ? ProviderRefusal : Error)(`provider answered ${res.status}: ${text.slice(0, 300)}`);
  let json: { id?: unknown; messageId?: unknown; sid?: unknown } = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* some providers answer 202 with no body */
  }
  const id = json.id ?? json.messageId ?? json.sid;
  return { providerId: typeof id === "string" ? id : `${res.status}:${idempotencyKey}` };
}

/** Resend/Mailchannels-style JSON email API: POST {from,to,subject,text,html} with a bearer key. */
export class HttpEmailDriver implements ChannelDriver {
  constructor(private readonly cfg: HttpProvider) {}

  send(msg: OutgoingMessage) {
    return postJson(this.cfg, msg.id, {
      from: this.cfg.from,
      to: [msg.to],
      subject: msg.subject,
      text: msg.text,
      ...(msg.html ? { html: msg.html } : {}),
    });
  }
}

/** JSON SMS API: POST {from,to,text} with a bearer key. */
export class HttpSmsDriver implements ChannelDriver {
  constructor(private readonly cfg: HttpProvider) {}

  send(msg: OutgoingMessage) {
    return postJson(this.cfg, msg.id, { from: this.cfg.from, to: msg.to, text: msg.text });
  }
}

/** An answer about this one message, not about the provider being up or down. */
const isOutage = (err: unknown) => !(err instanceof ProviderRefusal || err instanceof PushGone);

export type ProviderName = "email" | "sms" | "push";
export const PROVIDERS: readonly ProviderName[] = ["email", "sms", "push"];

/**
 * A provider driver behind this isolate's circuit breaker for that provider (packages/common/src/
 * resilience.ts): after consecutive outages (timeout, network, 5xx, 408/429) sends fail fast
 * with CircuitOpenError (recorded like any failed send and retried by the dispatcher later)
 * until a probe gets through. Each send is tried twice at once: providers deduplicate on the
 * notification id (idempotency-key), so a repeat is never a second message.
 */
export class GuardedDriver implements ChannelDriver {
  constructor(
    private readonly provider: ProviderName,
    private readonly driver: ChannelDriver,
    private readonly env: Pick<Env, "BREAKER_FAILURE_THRESHOLD" | "BREAKER_COOLDOWN_MS">,
  ) {}

  send(msg: OutgoingMessage) {
    const breaker = circuitBreaker(this.provider, breakerOptions(this.env));
    return retry(() => breaker.run(() => this.driver.send(msg), isOutage), {
      attempts: 2,
      baseDelayMs: 200,
      retryOn: (err) => isOutage(err) && !(err instanceof CircuitOpenError),
    });
  }
}

/** Email without a configured provider fails every send: recorded, retried and visible, never silently dropped. */
class UnconfiguredDriver implements ChannelDriver {
  constructor(private readonly what: string) {}
  async send(): Promise<{ providerId: string }> {
    throw new Error(`${this.what} is not configured`);
  }
}

export type Drivers = { email: ChannelDriver; sms?: ChannelDriver; push?: ChannelDriver };

/**
 * NOTIFY_DRIVER picks the drivers: "local" (default) or "http". SMS is optional: off without a
 * provider; Web Push is off without VAPID_PRIVATE_JWK.
 */
export function driversFor(env: Env, db: Db): Drivers {
  const vapid = vapidFrom(env);
  if ((env.NOTIFY_DRIVER ?? "local") !== "http") {
    const local = new LocalDriver(db);
    return { email: local, sms: local, push: vapid ? new LocalPushDriver(db) : undefined };
  }
  const guarded = (provider: ProviderName, driver: ChannelDriver) => new GuardedDriver(provider, driver, env);
  return {
    push: vapid ? guarded("push", new WebPushDriver({ db, vapid })) : undefined,
    email:
      env.EMAIL_API_URL && env.EMAIL_API_KEY
        ? guarded("email", new HttpEmailDriver({ url: env.EMAIL_API_URL, apiKey: env.EMAIL_API_KEY, from: env.EMAIL_FROM ?? "no-reply@tickets.example" }))
        : new UnconfiguredDriver("EMAIL_API_URL/EMAIL_API_KEY"),
    sms:
      env.SMS_API_URL && env.SMS_API_KEY
        ? guarded("sms", new HttpSmsDriver({ url: env.SMS_API_URL, apiKey: env.SMS_API_KEY, from: env.SMS_FROM ?? "EdgeTickets" }))
        : undefined,
  };
}
