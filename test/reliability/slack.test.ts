import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerText } from '../../src/channels/slack/answering.js';
import { RecentKeys } from '../../src/channels/slack/dedupe.js';
import { captureLogs, type Harness, realEngine, startHarness, TEST_OPTIONS } from '../channels/slack/harness.js';
import { Article, emptyLimitStats, type Row } from './checks.js';
import { inProcess } from './in-process.js';
import { badRequestScenario, hugeQuestionScenario, loadScenario, retryScenario, socketModeScenario, webApiFaultScenario } from './slack-scenarios.js';
import type { SlackTarget } from './target.js';
import { type Ask, fuzzStrings, hostileTextScenario, limitsScenario } from './text-scenarios.js';

/**
 * The reliability scenarios' behaviours (not their timings: `npm run
 * reliability` judges those against the built app), in process and small.
 */
function expectBehaviours(rows: Row[]): void {
  const failed = rows.filter((r) => !r.timing && !r.pass);
  expect(failed, JSON.stringify(rows, null, 2)).toEqual([]);
}

describe('reliability: Slack in HTTP mode', () => {
  let h: Harness;
  let app: SlackTarget;
  const limits = emptyLimitStats();
  beforeAll(async () => {
    h = await startHarness('http');
    app = inProcess(h, 'http');
  });
  afterAll(() => h.close());

  it('1. a burst of 200 signed events: every one acked, exactly one reply each', async () => {
    expectBehaviours(await loadScenario(app, { events: 200, rounds: 1, floorUrl: null }));
  });

  it('2. retries, twins and first-seen retries are answered once; dedupe memory is bounded', async () => {
    expectBehaviours(await retryScenario(app, { delayMs: 300 }));
  });

  it('3. a 40,000-character question is refused politely while 50 other events are acked', async () => {
    expectBehaviours(await hugeQuestionScenario(app, { others: 50 }));
  });

  it('4. unsigned, mis-signed, stale, future and altered requests get 401; 10 MB bodies get 413', async () => {
    expectBehaviours(await badRequestScenario(app, { hugeBytes: 10 * 1024 * 1024, hugeCount: 2 }));
  });

  it('5. Web API faults: 429 waits for Retry-After, 500s and hangs are bounded and logged', async () => {
    const tuning = TEST_OPTIONS.tuning ?? {};
    expectBehaviours(await webApiFaultScenario(app, { timeoutMs: tuning.webApiTimeoutMs ?? 10_000, retries: tuning.webApiRetries ?? 2 }));
  });

  it('7. hostile text and 10,000 random strings: no markup echoed, nothing thrown, only grounded quotes', async () => {
    const logs = captureLogs('info');
    const deps = { engine: realEngine(), logger: logs.logger, recent: new RecentKeys() };
    // The slash command's own path (echo + share), without HTTP, so 10,000 stay fast.
    const ask: Ask = async (text) => (await answerText(deps, text, { surface: 'command', user: 'U0ASKER', echo: true, share: true })).message as never;
    const rows = await hostileTextScenario(app, { article: new Article(process.cwd()), limits, fuzz: fuzzStrings(10_000), ask, batch: 1_000 });
    expectBehaviours(rows);
    expect(logs.events('slack_answer_failed')).toEqual([]);
  });

  it('8. every reply of this suite is within Slack limits', () => {
    expectBehaviours(limitsScenario([h.sim], limits));
  });
});

describe('reliability: Slack in Socket Mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('socket');
  });
  afterAll(() => h.close());

  it('6. warning, refresh_requested, a dropped socket and ping silence: reconnects, nothing lost, nothing doubled', async () => {
    expectBehaviours(await socketModeScenario(inProcess(h, 'socket'), { everyMs: 100 }));
  });
});
