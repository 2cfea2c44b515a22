import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { FeedbackRow, QuestionRow } from './schema.js';

const QUESTION_COLUMNS = [
  'id',
  'asked_at',
  'channel',
  'surface',
  'conversation_hash',
  'user_hash',
  'question',
  'kind',
  'intent',
  'confidence',
  'candidates',
  'content_version',
  'latency_ms',
] as const satisfies readonly (keyof QuestionRow)[];
const FEEDBACK_COLUMNS = [
  'id',
  'voted_at',
  'channel',
  'vote',
  'question_id',
  'question',
  'intent',
  'user_hash',
  'conversation_hash',
  'content_version',
] as const satisfies readonly (keyof FeedbackRow)[];

const insertSql = (table: string, columns: readonly string[], conflict: string): string =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')}) ON CONFLICT (id) ${conflict}`;

const SQL = {
  question: insertSql('questions', QUESTION_COLUMNS, 'DO NOTHING'),
  feedback: insertSql(
    'feedback',
    FEEDBACK_COLUMNS,
    'DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at, content_version = excluded.content_version',
  ),
};

// Plain JavaScript run by the worker thread (eval'd, so it works the same from src under vitest and from dist).
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
for (const pragma of workerData.pragmas) db.pragma(pragma);
const question = db.prepare(workerData.sql.question);
const feedback = db.prepare(workerData.sql.feedback);
const write = db.transaction((questions, votes) => {
  for (const row of questions) question.run(row);
  for (const row of votes) feedback.run(row);
});
const purgeQuestions = db.prepare('DELETE FROM questions WHERE asked_at < ?');
const purgeFeedback = db.prepare('DELETE FROM feedback WHERE voted_at < ?');
const prepared = new Map();
const statement = (sql) => {
  let stmt = prepared.get(sql);
  if (!stmt) {
    if (prepared.size >= 100) prepared.clear();
    stmt = db.prepare(sql);
    prepared.set(sql, stmt);
  }
  return stmt;
};
const runAll = db.transaction((queries) =>
  queries.map(({ sql, parameters }) => {
    const stmt = statement(sql);
    return stmt.reader ? { rows: stmt.all(parameters), changes: 0 } : { rows: [], changes: stmt.run(parameters).changes };
  }),
);
parentPort.on('message', (message) => {
  if (message.close) { db.close(); parentPort.close(); return; }
  try {
    if (message.queries) {
      parentPort.postMessage({ id: message.id, ok: true, results: runAll(message.queries) });
      return;
    }
    if (message.purgeBefore) {
      const questions = purgeQuestions.run(message.purgeBefore).changes;
      const feedback = purgeFeedback.run(message.purgeBefore).changes;
      parentPort.postMessage({ id: message.id, ok: true, purged: { questions, feedback } });
      return;
    }
    write(message.questions, message.feedback);
    parentPort.postMessage({ id: message.id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id: message.id, ok: false, code: err.code, message: err.message });
  }
});
`;

type Purged = { questions: number; feedback: number };
/** What one statement gave: its rows (a SELECT or RETURNING), or how many rows it changed. */
export interface QueryResult {
  rows: Record<string, unknown>[];
  changes: number;
}
type Reply = { id: number; ok: true; purged?: Purged; results?: QueryResult[] } | { id: number; ok: false; code?: string; message: string };

export interface SqliteWriterOptions {
  file: string;
  busyTimeoutMs: number;
  /** Extra PRAGMAs for the writer's connection (e.g. `max_page_count = N` to test a full disk). */
  pragmas?: readonly string[];
}

/**
 * The SQLite writes, on a worker thread with its own connection: better-sqlite3
 * is synchronous, and a batch written on the main thread would hold up every
 * question that arrives meanwhile (about 5 ms per 200 rows here). WAL lets the
 * main connection read while this one writes.
 */
export class SqliteWriter {
  private worker: Worker | undefined;
  private serial = 0;
  private readonly waiting = new Map<number, { resolve: (value?: Purged | QueryResult[]) => void; reject: (err: Error) => void }>();

  constructor(private readonly options: SqliteWriterOptions) {}

  async write(questions: readonly QuestionRow[], feedback: readonly FeedbackRow[]): Promise<void> {
    if (questions.length === 0 && feedback.length === 0) return;
    await this.send({ questions, feedback: [...new Map(feedback.map((f) => [f.id, f])).values()] });
  }

  /** The retention purge: a big delete would hold the main thread as long as a big write. */
  async purge(before: string): Promise<Purged> {
    return ((await this.send({ purgeBefore: before })) as Purged | undefined) ?? { questions: 0, feedback: 0 };
  }

  /** Statements (SQL with positional parameters) run in order in one transaction on the writer's connection. */
  async run(queries: readonly { sql: string; parameters: readonly unknown[] }[]): Promise<QueryResult[]> {
    if (queries.length === 0) return [];
    const reply = await this.send({ queries: queries.map((q) => ({ sql: q.sql, parameters: [...q.parameters] })) });
    return (reply as QueryResult[] | undefined) ?? [];
  }

  private send(message: Record<string, unknown>): Promise<Purged | QueryResult[] | undefined> {
    const worker = this.start();
    const id = ++this.serial;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((done) => worker.once('exit', () => done()));
    worker.postMessage({ close: true });
    const timer = setTimeout(() => void worker.terminate(), 2_000);
    await exited;
    clearTimeout(timer);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, sql: SQL, file: this.options.file, busyTimeoutMs: this.options.busyTimeoutMs, pragmas: this.options.pragmas ?? [] },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.results ?? reply.purged);
      else waiter?.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    // A crashed writer (e.g. it could not open the file): fail what waits; the next write starts a new one.
    const fail = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(Object.assign(new Error(`the SQLite writer thread stopped (exit code ${code})`), { code: 'WRITER_EXITED' })));
    this.worker = worker;
    return worker;
  }
}
