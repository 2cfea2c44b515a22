import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../support/postgres.js';
import { SlackSim } from '../support/slack-sim/index.js';
import type { Row } from './checks.js';
import { replicasScenario, sigkillScenario, sigtermBacklogScenario } from './outbox-scenarios.js';

/**
 * Acked means answered, with the real built app (dist/main.js, built by
 * `npm test` before vitest runs) in its own processes: killed, stopped, and two
 * replicas on the real PostgreSQL. `npm run reliability` runs the same
 * scenarios, bigger, for the figures table.
 */
const root = process.cwd();

function expectClean(rows: Row[]): void {
  expect(
    rows.filter((r) => !r.pass),
    JSON.stringify(rows, null, 2),
  ).toEqual([]);
}

beforeAll(() => {
  if (!existsSync(resolve(root, 'dist/main.js'))) throw new Error('dist/main.js is missing: run `npm run build` (npm test does) first');
});

describe('acked means answered: one process on SQLite', () => {
  let sim: SlackSim;
  let dir: string;
  beforeAll(async () => {
    sim = await SlackSim.start();
    dir = mkdtempSync(join(tmpdir(), 'outbox-process-'));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL right after acking 200 DMs, then a restart: all 200 answered, each once', { timeout: 90_000 }, async () => {
    expectClean(await sigkillScenario({ root, sim, databaseUrl: `sqlite:${join(dir, 'kill.sqlite')}`, events: 200, leaseMs: 2_000, slackDelayMs: 200 }));
  });

  it('SIGTERM with 200 acked DMs waiting: exits 0, and after a restart all are answered, each once', { timeout: 90_000 }, async () => {
    expectClean(
      await sigtermBacklogScenario({
        root,
        sim,
        databaseUrl: `sqlite:${join(dir, 'term.sqlite')}`,
        events: 200,
        graceMs: 500,
        leaseMs: 2_000,
        slackDelayMs: 200,
      }),
    );
  });
});

describe('acked means answered: two replicas on one PostgreSQL', async () => {
  if (!(await requirePostgres('test/reliability/outbox.test.ts'))) return;
  let sim: SlackSim;
  let database: TestDatabase;
  beforeAll(async () => {
    sim = await SlackSim.start();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await sim?.close();
    await database?.drop();
  });

  it('the same event sent to both gets one reply; one killed after acking 200: the survivor answers all 200, each once', { timeout: 120_000 }, async () => {
    expectClean(await replicasScenario({ root, sim, databaseUrl: database.url, same: 50, events: 200, leaseMs: 2_000, slackDelayMs: 200 }));
  });
});
