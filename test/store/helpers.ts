import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuestionRow } from '../../src/store/schema.js';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/store.js';
import { createTestDatabase, requirePostgres } from '../support/postgres.js';

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty DATABASE_URL for this test file. */
  url(): Promise<string>;
  /** Where a relative sqlite: path is resolved. */
  root: string;
  open(options?: Partial<OpenStoreOptions>): Promise<Store>;
  cleanup(): Promise<void>;
}

/** The engines a store suite runs against: a real SQLite file, and a real PostgreSQL database when there is one. */
export async function storeTargets(suite: string): Promise<StoreTarget[]> {
  const root = mkdtempSync(join(tmpdir(), 'store-test-'));
  const sqliteUrl = 'sqlite:data/test.sqlite';
  const targets: StoreTarget[] = [
    {
      name: 'sqlite',
      root,
      url: async () => sqliteUrl,
      open: (options = {}) => openStore({ url: sqliteUrl, root, ...options }),
      cleanup: async () => rmSync(root, { recursive: true, force: true }),
    },
  ];
  if (await requirePostgres(suite)) {
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    const url = async (): Promise<string> => (database ??= await createTestDatabase()).url;
    targets.push({
      name: 'postgres',
      root,
      url,
      open: async (options = {}) => openStore({ url: await url(), root, ...options }),
      cleanup: async () => database?.drop(),
    });
  }
  return targets;
}

let serial = 0;

export function questionRow(fields: Partial<QuestionRow> = {}): QuestionRow {
  serial += 1;
  return {
    id: `q${serial}-${Math.random().toString(36).slice(2, 8)}`,
    asked_at: '2026-06-01T12:00:00.000Z',
    channel: 'web',
    surface: 'web',
    conversation_hash: 'c',
    user_hash: 'u',
    question: 'who leads isis?',
    kind: 'no-match',
    intent: null,
    confidence: 0.4,
    candidates: JSON.stringify([{ intent: 'isis-leadership', score: 0.4 }]),
    content_version: 'abc123abc123',
    latency_ms: 0.8,
    ...fields,
  };
}
