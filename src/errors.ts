/**
 * Every error the app raises on purpose carries a stable code, so logs and
 * tests can tell failures apart without matching on message text.
 */
export type ErrorCode = 'CONFIG_INVALID' | 'CONTENT_INVALID' | 'SLACK_API_FAILED' | 'STORE_UNAVAILABLE';

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Startup configuration is wrong; `problems` names every bad variable and how to fix it. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** A content problem located in a file, e.g. `intents/intents.yaml:12:5: [raid-in-syria] source: ...`. */
export interface ContentProblem {
  file: string;
  line?: number;
  column?: number;
  intent?: string;
  field?: string;
  message: string;
}

export function formatContentProblem(p: ContentProblem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined).join(':');
  const who = p.intent ? ` [${p.intent}]` : '';
  const field = p.field ? ` ${p.field}:` : '';
  return `${where}:${who}${field} ${p.message}`;
}

/** Intents or knowledge failed validation; the app refuses to start with these. */
export class ContentError extends AppError {
  readonly problems: readonly ContentProblem[];

  constructor(problems: readonly ContentProblem[]) {
    super('CONTENT_INVALID', `Invalid content:\n${problems.map((p) => `  - ${formatContentProblem(p)}`).join('\n')}`);
    this.problems = problems;
  }
}

/** The question store cannot be opened or migrated; the message names DATABASE_URL and what to do. */
export class StoreError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options);
  }
}
