import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

/**
 * PostgreSQL for store tests: 127.0.0.1:5432, user postgres, trust auth on
 * loopback (what .ci/run sets up). TEST_POSTGRES_URL overrides the admin URL.
 */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let reachable: Promise<string | null> | undefined;

/** null when PostgreSQL answers; otherwise why not. */
export function postgresProblem(): Promise<string | null> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return null;
    } catch (err) {
      return (err as Error).message || String(err);
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * Without PostgreSQL the PostgreSQL half of a suite is skipped, with a
 * warning nobody can miss; with CI=true it fails instead.
 */
export async function requirePostgres(suite: string): Promise<boolean> {
  const problem = await postgresProblem();
  if (problem === null) return true;
  if (process.env.CI === 'true') throw new Error(`${suite}: PostgreSQL is required in CI (CI=true) but ${POSTGRES_ADMIN_URL} is not reachable: ${problem}`);
  process.stderr.write(
    `\n${'!'.repeat(78)}\n!! SKIPPING the PostgreSQL tests of ${suite}: ${POSTGRES_ADMIN_URL} is not reachable (${problem}).\n!! Run .ci/run (it installs and starts PostgreSQL) or set TEST_POSTGRES_URL.\n${'!'.repeat(78)}\n\n`,
  );
  // Also in the test report, as skipped rather than absent.
  describe.skip(`PostgreSQL (not reachable at ${POSTGRES_ADMIN_URL})`, () => it('runs this file against PostgreSQL too', () => undefined));
  return false;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh database of its own for one test file: `bot_test_<random>`, dropped by `drop()`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `bot_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
