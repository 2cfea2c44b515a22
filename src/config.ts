import { z } from 'zod';
import { ConfigError } from './errors.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

export interface SlackConfig {
  /** `socket` when SLACK_APP_TOKEN is set, otherwise `http` (Events API on POST /slack/events). */
  mode: 'socket' | 'http';
  botToken: string;
  appToken?: string;
  signingSecret?: string;
  /** Web API base URL, e.g. for GovSlack or a local simulator. Must end with a slash. */
  apiUrl?: string;
}

/** Running as a service: where to listen, what sits in front, how long shutdown may take. */
export interface ServiceConfig {
  /** Interface to listen on: 127.0.0.1 by default, 0.0.0.0 (or ::) behind a proxy or in a container. */
  host: string;
  /** The origin people reach the web chat at, behind a proxy (PUBLIC_URL), e.g. https://bot.example.org. */
  publicOrigin: string | null;
  /** Reverse proxies in front whose X-Forwarded-For is believed (0: none). */
  trustProxy: number;
  /** SIGTERM: how long in-flight answers may take before they are given up. */
  shutdownGraceMs: number;
}

export type QuestionLogMode = 'on' | 'redacted' | 'off';

/** Where questions and votes are kept, and how much of them (docs/privacy.md). */
export interface StoreConfig {
  /** `sqlite:PATH` (relative to the project root) or `postgres://…`. */
  url: string;
  /** `redacted` keeps everything but the question text; `off` keeps no questions at all. */
  questionLog: QuestionLogMode;
  /** Questions and votes older than this are purged. */
  retentionDays: number;
  /** Key for the user/conversation hashes; when unset, one is generated and kept in the store. */
  hashSecret?: string;
  /** How long a replica's claim on an outbox entry lasts (renewed while it delivers): the wait before a dead replica's work is taken over. */
  outboxLeaseMs: number;
}

export interface Config {
  port: number;
  logLevel: LogLevel;
  /** null when SLACK_BOT_TOKEN is not set: the web chat alone is served. */
  slack: SlackConfig | null;
  webChat: boolean;
  service: ServiceConfig;
  store: StoreConfig;
}

const APP_SETTINGS = 'https://api.slack.com/apps → your app';

// Each message says what is wrong and where to find the right value.
const HINTS: Record<string, string> = {
  PORT: 'PORT must be a whole number from 1 to 65535 (default 3000).',
  LOG_LEVEL: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (default info).`,
  SLACK_BOT_TOKEN: `SLACK_BOT_TOKEN must be the Bot User OAuth Token starting with "xoxb-" (${APP_SETTINGS} → OAuth & Permissions).`,
  SLACK_APP_TOKEN: `SLACK_APP_TOKEN must be an app-level token starting with "xapp-" with the connections:write scope (${APP_SETTINGS} → Basic Information → App-Level Tokens). Leave it unset for HTTP mode.`,
  SLACK_SIGNING_SECRET: `SLACK_SIGNING_SECRET must be the Signing Secret (${APP_SETTINGS} → Basic Information → App Credentials); it is required in HTTP mode, i.e. when SLACK_APP_TOKEN is not set.`,
  SLACK_API_URL: 'SLACK_API_URL must be an http(s) URL of the Slack Web API, e.g. https://slack.com/api/ (leave it unset for slack.com).',
  WEB_CHAT: 'WEB_CHAT must be "on" or "off" (default on).',
  HOST: 'HOST must be an IP address or host name to listen on, e.g. 127.0.0.1 (the default) or 0.0.0.0 behind a proxy.',
  PUBLIC_URL: 'PUBLIC_URL must be the http(s) address people open the web chat at, e.g. https://bot.example.org (no path).',
  TRUST_PROXY: 'TRUST_PROXY must be "off" (the default), "on" (one proxy in front) or the number of proxies in front, 0 to 10.',
  SHUTDOWN_GRACE_MS: 'SHUTDOWN_GRACE_MS must be a whole number of milliseconds from 0 to 120000 (default 10000).',
  DATABASE_URL:
    'DATABASE_URL must be sqlite:PATH (a file, relative to the project folder; default sqlite:data/bot.sqlite) or postgres://USER:PASSWORD@HOST:PORT/DATABASE.',
  QUESTION_LOG: 'QUESTION_LOG must be on, redacted (keep everything but the question text) or off (default on).',
  LOG_RETENTION_DAYS: 'LOG_RETENTION_DAYS must be a whole number of days from 1 to 3650 (default 30).',
  LOG_HASH_SECRET: 'LOG_HASH_SECRET must be at least 16 characters (or unset: a key is generated and kept in the store).',
  OUTBOX_LEASE_MS:
    'OUTBOX_LEASE_MS must be a whole number of milliseconds from 1000 to 600000 (default 30000): how long before work a stopped replica acked is taken over.',
};

const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = (schema: z.ZodType<string>) => z.preprocess(blankToUndefined, schema.optional());

const lowerEnum = <T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v), z.enum(values).default(fallback as never));

export const DEFAULT_DATABASE_URL = 'sqlite:data/bot.sqlite';

const StoreSchema = z.object({
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/)
      .default(DEFAULT_DATABASE_URL),
  ),
  QUESTION_LOG: lowerEnum(['on', 'redacted', 'off'] as const, 'on'),
  LOG_RETENTION_DAYS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(3650).default(30)),
  LOG_HASH_SECRET: optional(z.string().min(16)),
  OUTBOX_LEASE_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1_000).max(600_000).default(30_000)),
});

const EnvSchema = StoreSchema.extend({
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(65535).default(3000)),
  LOG_LEVEL: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v), z.enum(LOG_LEVELS).default('info')),
  SLACK_BOT_TOKEN: optional(
    z
      .string()
      .trim()
      .regex(/^xoxb-[A-Za-z0-9-]+$/),
  ),
  SLACK_APP_TOKEN: optional(
    z
      .string()
      .trim()
      .regex(/^xapp-[A-Za-z0-9-]+$/),
  ),
  SLACK_SIGNING_SECRET: optional(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{16,}$/),
  ),
  SLACK_API_URL: optional(
    z
      .string()
      .trim()
      .url()
      .regex(/^https?:\/\//),
  ),
  WEB_CHAT: lowerEnum(['on', 'off'] as const, 'on'),
  HOST: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.:-]+$/)
      .default('127.0.0.1'),
  ),
  PUBLIC_URL: optional(
    z
      .string()
      .trim()
      .url()
      .refine((v) => /^https?:$/.test(new URL(v).protocol) && ['', '/'].includes(new URL(v).pathname + new URL(v).search)),
  ),
  TRUST_PROXY: z.preprocess((v) => {
    const text = typeof v === 'string' ? v.trim().toLowerCase() : v;
    return text === '' || text === undefined || text === 'off' ? 0 : text === 'on' ? 1 : text;
  }, z.coerce.number().int().min(0).max(10)),
  SHUTDOWN_GRACE_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(120_000).default(10_000)),
});

function problemsOf(error: z.ZodError): string[] {
  const names = new Set(error.issues.map((issue) => String(issue.path[0])));
  return [...names].map((name) => HINTS[name] ?? `${name} is invalid.`);
}

function storeConfigOf(e: z.infer<typeof StoreSchema>): StoreConfig {
  return {
    url: e.DATABASE_URL,
    questionLog: e.QUESTION_LOG,
    retentionDays: e.LOG_RETENTION_DAYS,
    ...(e.LOG_HASH_SECRET ? { hashSecret: e.LOG_HASH_SECRET } : {}),
    outboxLeaseMs: e.OUTBOX_LEASE_MS,
  };
}

/** The store settings alone, for commands that read the log (`npm run review`) and serve nothing. */
export function parseStoreConfig(env: Readonly<Record<string, string | undefined>>): StoreConfig {
  const parsed = StoreSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return storeConfigOf(parsed.data);
}

/**
 * Parse the environment once, at startup. Throws a ConfigError that lists
 * every problem at once, so a newcomer fixes their .env in one pass. Secret
 * values are never echoed back in the messages.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  const e = parsed.data;

  let slack: SlackConfig | null = null;
  if (e.SLACK_BOT_TOKEN) {
    const mode = e.SLACK_APP_TOKEN ? 'socket' : 'http';
    if (mode === 'http' && !e.SLACK_SIGNING_SECRET) problems.push(HINTS.SLACK_SIGNING_SECRET as string);
    slack = {
      mode,
      botToken: e.SLACK_BOT_TOKEN,
      ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
      ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
      ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/` } : {}),
    };
  } else if (e.SLACK_APP_TOKEN || e.SLACK_SIGNING_SECRET) {
    problems.push(
      `SLACK_BOT_TOKEN is not set, but other Slack variables are. ${HINTS.SLACK_BOT_TOKEN} Or remove the Slack variables to run the web chat alone.`,
    );
  }
  const webChat = e.WEB_CHAT === 'on';
  if (!slack && !webChat && problems.length === 0) {
    problems.push('Nothing to serve: WEB_CHAT is off and SLACK_BOT_TOKEN is not set. Set WEB_CHAT=on or configure Slack.');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return { port: e.PORT, logLevel: e.LOG_LEVEL, slack, webChat, service: serviceConfigOf(e), store: storeConfigOf(e) };
}

function serviceConfigOf(e: z.infer<typeof EnvSchema>): ServiceConfig {
  return {
    host: e.HOST,
    publicOrigin: e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : null,
    trustProxy: e.TRUST_PROXY,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}

/** The password in a postgres:// URL, if any: it must never reach a log line. */
export function databasePassword(url: string): string | undefined {
  if (!/^postgres(ql)?:/.test(url)) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** The values to redact from every log line. */
export function configSecrets(config: Config): string[] {
  const s = config.slack;
  const slack = s ? [s.botToken, s.appToken, s.signingSecret] : [];
  return [...slack, config.store.hashSecret, databasePassword(config.store.url)].filter((v): v is string => typeof v === 'string');
}
