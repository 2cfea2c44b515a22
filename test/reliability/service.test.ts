import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SIGNING_SECRET, startHarness, TEST_OPTIONS } from '../channels/slack/harness.js';
import { realEngine, type RunningWebChat, startWebChat } from '../channels/web/helpers.js';
import type { Row } from './checks.js';
import { inProcess } from './in-process.js';
import { idleSocketsScenario, slowDripScenario, unauthenticatedBodiesScenario, upgradeHeaderScenario } from './service-scenarios.js';
import type { WebTarget } from './web-scenarios.js';

/**
 * The abuse probe's attacks (scenarios 11-15), small and in process: the
 * behaviours only. `npm run reliability -- --only 11-15` judges the timings
 * against the built app, and runs the web-chat flood against Slack acks (14).
 */
function expectBehaviours(rows: Row[]): void {
  const failed = rows.filter((r) => !r.timing && !r.pass);
  expect(failed, JSON.stringify(rows, null, 2)).toEqual([]);
}

describe('reliability: the abuse probe against Slack in HTTP mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('http', { channelOptions: { ...TEST_OPTIONS, http: { ...TEST_OPTIONS.http, bodyTimeoutMs: 1_000, maxReading: 8 } } });
  });
  afterAll(() => h.close());

  it('11. slow-drip requests delay no reply and are cut off at the body deadline', async () => {
    expectBehaviours(await slowDripScenario(inProcess(h, 'http'), { events: 5, drips: 3, secret: SIGNING_SECRET, bodyTimeoutMs: 1_000 }));
  });

  it('12. unauthenticated bodies are refused while signed events are acked and answered', async () => {
    expectBehaviours(await unauthenticatedBodiesScenario(inProcess(h, 'http'), { count: 40, bytes: 256 * 1024, events: 20 }));
  });

  it('15. a request with an Upgrade header is served, not taken over', async () => {
    expectBehaviours(await upgradeHeaderScenario(inProcess(h, 'http'), SIGNING_SECRET));
  });
});

describe('reliability: idle websockets', () => {
  let chat: RunningWebChat;
  beforeAll(async () => {
    chat = await startWebChat({ engine: realEngine(), limits: { maxConnections: 40, maxConnectionsPerAddress: 8, evictSilentAfterMs: 300 } });
  });
  afterAll(() => chat.close());

  it('13. one address gets its share only; idle sockets filling every slot make room for a newcomer', async () => {
    const web: WebTarget = { port: chat.port, alive: () => true, connections: () => chat.channel.stats().connections };
    expectBehaviours(await idleSocketsScenario(web, { sockets: 40, addresses: 5, perAddressCap: 8, silentEvictMs: 300 }));
  });
});
