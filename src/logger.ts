import type { Writable } from 'node:stream';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured JSON-lines logger. Its shape matches Bolt's `Logger` interface
 * (debug/info/warn/error/setLevel/getLevel/setName), so Bolt, Botkit glue and
 * our own code all write the same records.
 *
 * Arguments: plain objects are merged into the record as fields, Errors are
 * serialised under `err`, anything else is joined into `msg`.
 */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  setLevel(level: string): void;
  getLevel(): LogLevel;
  setName(name: string): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  stream?: Writable;
  /** Values that must never appear in a log line (tokens, signing secret). */
  secrets?: readonly string[];
  name?: string;
  fields?: Record<string, unknown>;
}

// Slack token shapes, redacted even when they are not our own configured secrets.
const TOKEN_PATTERN = /\b(xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]+/g;

export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(TOKEN_PATTERN, '[redacted]');
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  return out;
}

function serialiseError(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (err.stack) out.stack = err.stack;
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const state = {
    level: options.level ?? 'info',
    name: options.name,
  };
  const stream = options.stream ?? process.stdout;
  const secrets = options.secrets ?? [];
  const baseFields = options.fields ?? {};

  const write = (level: LogLevel, args: unknown[]): void => {
    if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(state.level)) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level };
    if (state.name) record.name = state.name;
    Object.assign(record, baseFields);
    const words: string[] = [];
    for (const arg of args) {
      if (arg instanceof Error) record.err = serialiseError(arg);
      else if (isPlainObject(arg)) Object.assign(record, arg);
      else words.push(typeof arg === 'string' ? arg : safeStringify(arg));
    }
    if (words.length > 0) record.msg = words.join(' ');
    stream.write(`${redact(safeStringify(record), secrets)}\n`);
  };

  return {
    debug: (...args) => write('debug', args),
    info: (...args) => write('info', args),
    warn: (...args) => write('warn', args),
    error: (...args) => write('error', args),
    setLevel(level: string) {
      if ((LOG_LEVELS as readonly string[]).includes(level)) state.level = level as LogLevel;
    },
    getLevel: () => state.level,
    setName(name: string) {
      state.name = name;
    },
    child(fields) {
      return createLogger({ ...options, level: state.level, fields: { ...baseFields, ...fields } });
    },
  };
}

function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => {
        if (v instanceof Error) return serialiseError(v);
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[circular]';
          seen.add(v);
        }
        return v;
      }) ?? String(value)
    );
  } catch {
    return String(value);
  }
}
