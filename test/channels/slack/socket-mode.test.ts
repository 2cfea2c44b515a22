import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackChannel } from '../../../src/channels/slack/channel.js';
import { AppError } from '../../../src/errors.js';
import { payloads, SlackSim } from '../../support/slack-sim/index.js';
import { APP_TOKEN, BOT_TOKEN, captureLogs, type Harness, realEngine, startHarness, TEST_OPTIONS } from './harness.js';

const { eventCallback, mention } = payloads;

describe('Slack in Socket Mode: the connection', () => {
  let h: Harness;
  let opens: { token: string | undefined }[] = [];
  beforeAll(async () => {
    h = await startHarness('socket');
    opens = h.sim.callsTo('apps.connections.open');
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  async function answered(question: string): Promise<void> {
    const before = h.sim.callsTo('chat.postMessage').length;
    const id = h.sim.socket.send('events_api', eventCallback(mention({ text: `<@U0BOT> ${question}` })));
    await h.sim.socket.waitForAck(id);
    await h.sim.waitForCalls('chat.postMessage', before + 1);
  }

  it('opens through apps.connections.open on SLACK_API_URL with the app token, and serves no HTTP', async () => {
    expect(h.sim.socket.connections).toBeGreaterThanOrEqual(1);
    const res = await fetch(`http://127.0.0.1:${h.port}/slack/events`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    await answered('When did the talks begin?');
    expect(h.sim.callsTo('chat.postMessage')[0]?.token).toBe(BOT_TOKEN);
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.every((c) => c.token === APP_TOKEN)).toBe(true);
  });

  it('acks every envelope, events before any reply is posted', async () => {
    const id = h.sim.socket.send('events_api', eventCallback(mention({ text: '<@U0BOT> Has ISIS been defeated?' })));
    const ack = await h.sim.socket.waitForAck(id);
    expect(ack.envelope_id).toBe(id);
  });

  it('reconnects when Slack asks it to (disconnect: refresh_requested) and keeps answering', async () => {
    const before = h.sim.socket.connections;
    h.sim.socket.disconnect('refresh_requested');
    await h.sim.socket.waitForConnection(before + 1, 8_000);
    await answered('How long has the coalition existed?');
    expect(h.logs.events('slack_socket_reconnecting').length).toBeGreaterThanOrEqual(1);
  });

  it('reconnects after the socket is dropped without a close frame', async () => {
    const before = h.sim.socket.connections;
    h.sim.socket.drop();
    await h.sim.socket.waitForConnection(before + 1, 8_000);
    await answered('Will the coalition continue?');
  });

  it('reconnects when Slack stops answering pings', async () => {
    const before = h.sim.socket.connections;
    h.sim.socket.answerPings = false;
    await h.sim.socket.waitForConnection(before + 1, 10_000);
    h.sim.socket.answerPings = true;
    await answered('When did the talks begin?');
  });

  it('never logs a token, even at debug level where Bolt dumps payloads', () => {
    const all = h.logs.lines.join('\n');
    expect(h.logs.records().some((r) => r.level === 'debug')).toBe(true);
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(APP_TOKEN);
    expect(all).not.toContain('legacy-verification-token');
  });
});

describe('Slack in Socket Mode: starting and stopping', () => {
  it('stop() closes the socket, and is safe to call twice', async () => {
    const h = await startHarness('socket');
    expect(h.sim.socket.open).toBe(1);
    await h.channel.stop();
    await h.channel.stop();
    await expect.poll(() => h.sim.socket.open).toBe(0);
    await h.close();
  });

  it('a rejected bot token stops startup with a message naming SLACK_BOT_TOKEN', async () => {
    const sim = await SlackSim.start();
    sim.fault('auth.test', { error: 'invalid_auth' });
    const channel = createSlackChannel({
      config: { mode: 'socket', botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: sim.apiUrl },
      engine: realEngine(),
      logger: captureLogs().logger,
      options: TEST_OPTIONS,
    });
    const started = channel.start(undefined as never);
    await expect(started).rejects.toBeInstanceOf(AppError);
    await expect(started).rejects.toThrow(/SLACK_BOT_TOKEN \(invalid_auth\)/);
    await channel.stop();
    await sim.close();
  });

  it('a rejected app token stops startup with a message naming SLACK_APP_TOKEN', async () => {
    const sim = await SlackSim.start();
    sim.fault('apps.connections.open', { error: 'invalid_auth' });
    const logs = captureLogs();
    const channel = createSlackChannel({
      config: { mode: 'socket', botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: sim.apiUrl },
      engine: realEngine(),
      logger: logs.logger,
      options: TEST_OPTIONS,
    });
    await expect(channel.start(undefined as never)).rejects.toThrow(/SLACK_APP_TOKEN/);
    await channel.stop();
    await sim.close();
    expect(logs.lines.join('\n')).not.toContain(APP_TOKEN);
  });
});
