import { describe, expect, it } from 'vitest';
import { configSecrets, parseConfig, parseStoreConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const BOT = 'xoxb-1111-2222-abcdef';
const APP = 'xapp-1-A111-222-abcdef';
const SECRET = 'abcdef0123456789abcdef0123456789';

const STORE_DEFAULTS = { url: 'sqlite:data/bot.sqlite', questionLog: 'on', retentionDays: 30, outboxLeaseMs: 30_000 };

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

const SERVICE_DEFAULTS = { host: '127.0.0.1', publicOrigin: null, trustProxy: 0, shutdownGraceMs: 10_000 };

describe('a fresh clone with no .env', () => {
  it('serves the web chat alone on port 3000, on loopback only', () => {
    expect(parseConfig({})).toEqual({ port: 3000, logLevel: 'info', slack: null, webChat: true, service: SERVICE_DEFAULTS, store: STORE_DEFAULTS });
  });
});

describe('running as a service', () => {
  it('listens where HOST says, knows its public origin and its proxies, and takes SHUTDOWN_GRACE_MS', () => {
    const env = { HOST: '0.0.0.0', PUBLIC_URL: 'https://bot.example.org/', TRUST_PROXY: 'on', SHUTDOWN_GRACE_MS: '2500' };
    expect(parseConfig(env).service).toEqual({ host: '0.0.0.0', publicOrigin: 'https://bot.example.org', trustProxy: 1, shutdownGraceMs: 2_500 });
    expect(parseConfig({ TRUST_PROXY: '2' }).service.trustProxy).toBe(2);
    expect(parseConfig({ TRUST_PROXY: 'off' }).service.trustProxy).toBe(0);
  });

  it('names each bad service variable', () => {
    const problems = problemsOf({ HOST: 'a b', PUBLIC_URL: 'https://bot.example.org/chat', TRUST_PROXY: 'maybe', SHUTDOWN_GRACE_MS: '-1' });
    expect(problems).toEqual([
      expect.stringMatching(/^HOST must be/),
      expect.stringMatching(/^PUBLIC_URL must be/),
      expect.stringMatching(/^TRUST_PROXY must be/),
      expect.stringMatching(/^SHUTDOWN_GRACE_MS must be/),
    ]);
  });
});

describe('Slack modes', () => {
  it('uses Socket Mode when the app token is set', () => {
    expect(parseConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP }).slack).toEqual({ mode: 'socket', botToken: BOT, appToken: APP });
  });

  it('uses HTTP mode with a signing secret, and a Web API URL ending in a slash', () => {
    const config = parseConfig({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      PORT: '8080',
      WEB_CHAT: 'OFF',
    });
    expect(config).toEqual({
      port: 8080,
      logLevel: 'info',
      webChat: false,
      slack: { mode: 'http', botToken: BOT, signingSecret: SECRET, apiUrl: 'http://127.0.0.1:9999/api/' },
      service: SERVICE_DEFAULTS,
      store: STORE_DEFAULTS,
    });
  });
});

describe('bad configuration', () => {
  it('names every bad variable at once, with where to find it, and never echoes a secret', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', SLACK_BOT_TOKEN: 'xoxp-user-token', WEB_CHAT: 'maybe' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT must be a whole number/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of debug, info, warn, error/);
    expect(problems.join('\n')).toMatch(/SLACK_BOT_TOKEN must be the Bot User OAuth Token starting with "xoxb-" .*OAuth & Permissions/);
    expect(problems.join('\n')).toMatch(/WEB_CHAT must be "on" or "off"/);
    expect(problems.join('\n')).not.toContain('xoxp-user-token');
  });

  it('requires the signing secret in HTTP mode', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: BOT })).toEqual([expect.stringMatching(/SLACK_SIGNING_SECRET .*required in HTTP mode/)]);
  });

  it('refuses Slack variables without a bot token', () => {
    expect(problemsOf({ SLACK_APP_TOKEN: APP })).toEqual([expect.stringMatching(/SLACK_BOT_TOKEN is not set, but other Slack variables are/)]);
  });

  it('refuses to serve nothing', () => {
    expect(problemsOf({ WEB_CHAT: 'off' })).toEqual([expect.stringMatching(/Nothing to serve/)]);
  });
});

describe('secrets for redaction', () => {
  it('lists every configured token and secret', () => {
    expect(configSecrets(parseConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_SIGNING_SECRET: SECRET }))).toEqual([BOT, APP, SECRET]);
  });
});

describe('the question store settings', () => {
  it('reads DATABASE_URL, QUESTION_LOG, LOG_RETENTION_DAYS, LOG_HASH_SECRET and OUTBOX_LEASE_MS', () => {
    const env = {
      DATABASE_URL: 'postgres://bot:pw@db.internal:5432/bot',
      QUESTION_LOG: 'Redacted',
      LOG_RETENTION_DAYS: '7',
      LOG_HASH_SECRET: 'a-long-enough-secret',
      OUTBOX_LEASE_MS: '5000',
    };
    expect(parseConfig(env).store).toEqual({
      url: env.DATABASE_URL,
      questionLog: 'redacted',
      retentionDays: 7,
      hashSecret: 'a-long-enough-secret',
      outboxLeaseMs: 5_000,
    });
    expect(parseStoreConfig(env)).toEqual(parseConfig(env).store);
  });

  it('names every bad store variable at once', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://x',
      QUESTION_LOG: 'sometimes',
      LOG_RETENTION_DAYS: '0',
      LOG_HASH_SECRET: 'short',
      OUTBOX_LEASE_MS: '10',
    });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/OUTBOX_LEASE_MS must be a whole number of milliseconds from 1000/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL must be sqlite:PATH .* or postgres:\/\//);
    expect(problems.join('\n')).toMatch(/QUESTION_LOG must be on, redacted .* or off/);
    expect(problems.join('\n')).toMatch(/LOG_RETENTION_DAYS must be a whole number of days from 1 to 3650/);
    expect(problems.join('\n')).toMatch(/LOG_HASH_SECRET must be at least 16 characters/);
    expect(problems.join('\n')).not.toContain('short');
  });

  it('redacts the hash secret and the database password from logs', () => {
    const config = parseConfig({ DATABASE_URL: 'postgres://bot:p%40ss-word@db/bot', LOG_HASH_SECRET: 'a-long-enough-secret' });
    expect(configSecrets(config)).toEqual(['a-long-enough-secret', 'p@ss-word']);
  });
});
