import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../channels/slack/harness.js';
import { realEngine, type RunningWebChat, startWebChat } from '../channels/web/helpers.js';
import type { Row } from './checks.js';
import { inProcess } from './in-process.js';
import { soakScenario, type WebTarget, webAbuseScenario } from './web-scenarios.js';

function expectBehaviours(rows: Row[]): void {
  const failed = rows.filter((r) => !r.timing && !r.pass);
  expect(failed, JSON.stringify(rows, null, 2)).toEqual([]);
}

const webTarget = (chat: RunningWebChat): WebTarget => ({ port: chat.port, alive: () => true, connections: () => chat.channel.stats().connections });

describe('reliability: web chat abuse', () => {
  let chat: RunningWebChat;
  beforeAll(async () => {
    chat = await startWebChat({ engine: realEngine() });
  });
  afterAll(() => chat.close());

  it('9. spoofed ids, foreign origins, a 2 MB frame, 1,000 dropped connections, non-string text: refused, server stays up', async () => {
    expectBehaviours(await webAbuseScenario(webTarget(chat), { connections: 1_000, wave: 25 }));
  });
});

describe('reliability: a short soak over both channels', () => {
  let http: Harness;
  let socket: Harness;
  let chat: RunningWebChat;
  beforeAll(async () => {
    [http, socket, chat] = await Promise.all([startHarness('http'), startHarness('socket'), startWebChat({ engine: realEngine() })]);
  });
  afterAll(() => Promise.all([http.close(), socket.close(), chat.close()]));

  it('10. 10 s of Slack HTTP, Socket Mode and web chat traffic with forced reconnects: events in = replies out', async () => {
    const rows = await soakScenario(inProcess(http, 'http'), inProcess(socket, 'socket'), webTarget(chat), {
      seconds: 10,
      reconnectEveryMs: 3_000,
      slackEveryMs: 100,
      webClients: 4,
      webEveryMs: 500,
      warmupMs: 1_000,
    });
    expectBehaviours(rows);
  });
});
