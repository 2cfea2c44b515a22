import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, type Dialect } from 'kysely';
import pg from 'pg';
import { StoreError } from '../errors.js';
import type { Logger } from '../logger.js';
import { MIGRATIONS } from './migrations.js';
import type { Database, FeedbackRow, QuestionRow } from './schema.js';
import { type QueryResult, SqliteWriter } from './sqlite-writer.js';

export type { QueryResult } from './sqlite-writer.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface ReviewFilter {
  /** ISO time; only rows at or after it. */
  since?: string;
  channel?: string;
}

export type DislikedRow = FeedbackRow & { candidates: string | null };

/**
 * Where questions, votes and settings are kept. One interface over SQLite and
 * PostgreSQL (Kysely speaks both); the next tables (the service's outbox,
 * leases, conversation context) are new migrations on the same `db`.
 */
export interface Store {
  readonly kind: StoreKind;
  /** DATABASE_URL without its password: safe for logs and error messages. */
  readonly where: string;
  readonly db: Kysely<Database>;
  /**
   * The question log's path: one batch of questions and votes, in one transaction, off the main
   * thread for SQLite. Idempotent like the two below, so a retried batch adds nothing twice.
   */
  writeBatch(questions: readonly QuestionRow[], feedback: readonly FeedbackRow[]): Promise<void>;
  /** Idempotent: a row whose id is already there is left alone (a retried batch adds nothing twice). */
  insertQuestions(rows: readonly QuestionRow[]): Promise<void>;
  /** One vote per id: a later vote replaces the earlier one. */
  upsertFeedback(rows: readonly FeedbackRow[]): Promise<void>;
  /**
   * Write statements (compiled Kysely queries, RETURNING allowed), in order, in one transaction:
   * for SQLite on the writer thread, so a write never holds the main thread (nor waits there for
   * the writer's lock), for PostgreSQL on a pooled connection.
   */
  writeQueries(queries: readonly CompiledQuery[]): Promise<QueryResult[]>;
  /** Delete questions and votes older than `cutoff`. */
  purgeOlderThan(cutoff: Date): Promise<{ questions: number; feedback: number }>;
  /** The setting's value; the first caller's `initial` wins, also across replicas sharing the store. */
  setting(key: string, initial: () => string): Promise<string>;
  questionsOfKinds(kinds: readonly string[], filter?: ReviewFilter): Promise<QuestionRow[]>;
  /** Down-votes, with the logged question's candidates when the vote points at one. */
  dislikes(filter?: ReviewFilter): Promise<DislikedRow[]>;
  countQuestions(filter?: ReviewFilter): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** DATABASE_URL: `sqlite:PATH` or `postgres://…`. */
  url: string;
  /** A relative SQLite path is relative to this folder (the project root). */
  root: string;
  logger?: Logger;
  /** PostgreSQL: give up connecting after this long (ms). Default 5 s. */
  connectTimeoutMs?: number;
  /** SQLite: wait this long for another process's lock (ms). Default 2 s. */
  busyTimeoutMs?: number;
  /** SQLite: extra PRAGMAs for the writer thread's connection. */
  writerPragmas?: readonly string[];
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db`. */
export function redactUrl(url: string): string {
  if (!/^postgres(ql)?:/.test(url)) return url;
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export function sqlitePath(url: string, root: string): string {
  const path = url.slice('sqlite:'.length);
  return isAbsolute(path) ? path : resolve(root, path);
}

function sqliteProblem(err: unknown, file: string, where: string): StoreError {
  const code = String((err as { code?: unknown }).code ?? '');
  const said = (err as Error).message;
  const lead = `Cannot use the question store DATABASE_URL=${where} (${file})`;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StoreError(
      `${lead}: the file is not a SQLite database or is corrupt (SQLite: ${said}). Move it aside (a new one is made at the next start) or point DATABASE_URL at another file.`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      `${lead}: the file is locked by another process (SQLite: ${said}). Stop the other process using it, or point DATABASE_URL at another file.`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES') {
    return new StoreError(`${lead}: the file or its folder cannot be written (${said}). Check its permissions, or point DATABASE_URL at another file.`, {
      cause: err,
    });
  }
  if (code === 'SQLITE_FULL') return new StoreError(`${lead}: the disk is full (SQLite: ${said}).`, { cause: err });
  return new StoreError(`${lead}: ${said}`, { cause: err });
}

function postgresProblem(err: unknown, where: string): StoreError {
  const e = err as { code?: unknown; message?: string };
  const detail = e.code ? `${String(e.code)}: ${e.message ?? ''}` : (e.message ?? String(err));
  return new StoreError(
    `Cannot reach the question store at DATABASE_URL=${where} (${detail.trim()}). Check that PostgreSQL is running and DATABASE_URL's host, port, user, password and database are right; or unset DATABASE_URL to use the embedded SQLite file.`,
    { cause: err },
  );
}

function openSqlite(file: string, options: OpenStoreOptions): Dialect {
  mkdirSync(dirname(file), { recursive: true });
  const database = new BetterSqlite3(file, { timeout: options.busyTimeoutMs ?? 2_000 });
  try {
    // WAL: `npm run review` reads while the app writes. NORMAL: a power cut may lose the last batch, never corrupt.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    database.close();
    throw err;
  }
  return new SqliteDialect({ database });
}

function openPostgres(url: string, options: OpenStoreOptions, where: string): Dialect {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000, idleTimeoutMillis: 30_000 });
  // A client whose server went away emits 'error': the pool listens only while the client is idle,
  // so every client gets its own listener too. Unhandled, either would take the process down.
  const lost = (err: Error): void => options.logger?.warn({ event: 'store_connection_lost', store: where, reason: err.message });
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  return new PostgresDialect({ pool });
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

const since = (filter: ReviewFilter = {}) => filter.since ?? '';

/** Open (creating on first use) and migrate the store DATABASE_URL names. Throws a StoreError that names it. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const where = redactUrl(options.url);
  const kind: StoreKind = options.url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const file = kind === 'sqlite' ? sqlitePath(options.url, options.root) : '';
  const fail = (err: unknown): StoreError =>
    err instanceof StoreError ? err : kind === 'sqlite' ? sqliteProblem(err, file, where) : postgresProblem(err, where);

  let db: Kysely<Database>;
  try {
    db = new Kysely<Database>({ dialect: kind === 'sqlite' ? openSqlite(file, options) : openPostgres(options.url, options, where) });
  } catch (err) {
    throw fail(err);
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw fail(err);
  }
  const writer =
    kind === 'sqlite' ? new SqliteWriter({ file, busyTimeoutMs: options.busyTimeoutMs ?? 2_000, pragmas: options.writerPragmas ?? [] }) : undefined;
  return createStore(db, kind, where, writer);
}

function createStore(db: Kysely<Database>, kind: StoreKind, where: string, writer: SqliteWriter | undefined): Store {
  const store: Store = {
    kind,
    where,
    db,

    async writeBatch(questions, feedback) {
      if (writer) return writer.write(questions, feedback);
      await db.transaction().execute(async (trx) => {
        const inTransaction = createStore(trx, kind, where, undefined);
        await inTransaction.insertQuestions(questions);
        await inTransaction.upsertFeedback(feedback);
      });
    },

    async insertQuestions(rows) {
      if (rows.length === 0) return;
      await db
        .insertInto('questions')
        .values([...rows])
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },

    async upsertFeedback(rows) {
      // PostgreSQL refuses to update one row twice in a statement: the last vote per id wins here already.
      const last = [...new Map(rows.map((r) => [r.id, r])).values()];
      if (last.length === 0) return;
      await db
        .insertInto('feedback')
        .values(last)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            vote: eb.ref('excluded.vote'),
            voted_at: eb.ref('excluded.voted_at'),
            content_version: eb.ref('excluded.content_version'),
          })),
        )
        .execute();
    },

    async writeQueries(queries) {
      if (queries.length === 0) return [];
      if (writer) return writer.run(queries);
      const run = async (on: Kysely<Database>): Promise<QueryResult[]> => {
        const results: QueryResult[] = [];
        for (const query of queries) {
          const result = await on.executeQuery<Record<string, unknown>>(query);
          results.push({ rows: result.rows, changes: Number(result.numAffectedRows ?? 0n) });
        }
        return results;
      };
      return queries.length === 1 ? run(db) : db.transaction().execute(run);
    },

    async purgeOlderThan(cutoff) {
      const iso = cutoff.toISOString();
      if (writer) return writer.purge(iso);
      const q = await db.deleteFrom('questions').where('asked_at', '<', iso).executeTakeFirst();
      const f = await db.deleteFrom('feedback').where('voted_at', '<', iso).executeTakeFirst();
      return { questions: Number(q.numDeletedRows), feedback: Number(f.numDeletedRows) };
    },

    async setting(key, initial) {
      const existing = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      if (existing) return existing.value;
      await db
        .insertInto('settings')
        .values({ key, value: initial() })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
      return row.value;
    },

    async questionsOfKinds(kinds, filter = {}) {
      let query = db
        .selectFrom('questions')
        .selectAll()
        .where('kind', 'in', [...kinds])
        .where('asked_at', '>=', since(filter));
      if (filter.channel) query = query.where('channel', '=', filter.channel);
      return query.orderBy('asked_at').execute();
    },

    async dislikes(filter = {}) {
      let query = db
        .selectFrom('feedback')
        .leftJoin('questions', 'questions.id', 'feedback.question_id')
        .selectAll('feedback')
        .select('questions.candidates')
        .where('feedback.vote', '=', 'down')
        .where('feedback.voted_at', '>=', since(filter));
      if (filter.channel) query = query.where('feedback.channel', '=', filter.channel);
      return query.orderBy('feedback.voted_at').execute();
    },

    async countQuestions(filter = {}) {
      let query = db
        .selectFrom('questions')
        .select(['kind', db.fn.countAll<string | number>().as('n')])
        .where('asked_at', '>=', since(filter));
      if (filter.channel) query = query.where('channel', '=', filter.channel);
      const rows = await query.groupBy('kind').execute();
      return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
    },

    async close() {
      await writer?.close();
      await db.destroy();
    },
  };
  return store;
}
