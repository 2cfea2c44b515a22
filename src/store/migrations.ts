import type { Kysely, Migration } from 'kysely';

/**
 * Every schema change, in order, in code: applied at start by Kysely's
 * Migrator, the same in SQLite and PostgreSQL. Never edit a migration that has
 * shipped; add the next one (the service's outbox and leases go here too).
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_questions_feedback_settings': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('questions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('asked_at', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('surface', 'text')
        .addColumn('conversation_hash', 'text')
        .addColumn('user_hash', 'text')
        .addColumn('question', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('intent', 'text')
        .addColumn('confidence', 'double precision', (c) => c.notNull())
        .addColumn('candidates', 'text', (c) => c.notNull())
        .addColumn('content_version', 'text', (c) => c.notNull())
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('questions_asked_at').on('questions').column('asked_at').execute();
      await db.schema.createIndex('questions_kind_asked_at').on('questions').columns(['kind', 'asked_at']).execute();

      await db.schema
        .createTable('feedback')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('voted_at', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('vote', 'text', (c) => c.notNull())
        .addColumn('question_id', 'text')
        .addColumn('question', 'text')
        .addColumn('intent', 'text')
        .addColumn('user_hash', 'text')
        .addColumn('conversation_hash', 'text')
        .addColumn('content_version', 'text')
        .execute();
      await db.schema.createIndex('feedback_voted_at').on('feedback').column('voted_at').execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['settings', 'feedback', 'questions']) await db.schema.dropTable(table).execute();
    },
  },
};
