import { afterEach, describe, expect, it } from 'vitest';
import type { SlackChannel } from '../../../src/channels/slack/channel.js';
import { mentionEnvelope, repliesTo } from '../../reliability/target.js';
import { payloads, sleep, waitFor } from '../../support/slack-sim/index.js';
import { type Harness, startHarness, TEST_OPTIONS } from './harness.js';

const { eventCallback, directMessage } = payloads;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const slackOf = (harness: Harness): SlackChannel => harness.channel as SlackChannel;

describe('Slack readiness: auth.test at start, then failing Web API calls', () => {
  it('is ready once auth.test passes, unready after three failed posts in a row, ready again once Slack answers', async () => {
    const codes: string[] = [];
    h = await startHarness('http', { channelOptions: { ...TEST_OPTIONS, onApiError: (code) => codes.push(code) } });
    const slack = slackOf(h);
    expect(slack.readiness()).toEqual({ ok: true, detail: { auth: 'ok' } });

    h.sim.fault('chat.postMessage', { error: 'invalid_auth' });
    for (let i = 0; i < 3; i += 1) await h.sender.event(eventCallback(directMessage({ text: 'When did the talks begin?', channel: `D0FAIL${i}` })));
    await waitFor(() => (h?.logs.events('slack_api_error').length === 3 ? true : undefined), 5_000, 'three failed posts');
    expect(slack.readiness()).toMatchObject({ ok: false, detail: { failuresInARow: 3, lastError: 'invalid_auth' } });
    expect(codes.filter((c) => c === 'invalid_auth')).toHaveLength(3);

    // Slack is back: the next readiness check re-probes with auth.test, and the success clears the failures.
    h.sim.clearFaults();
    await waitFor(() => (slack.readiness().ok ? true : undefined), 5_000, 'ready again');
    expect(h.sim.callsTo('auth.test').length).toBeGreaterThanOrEqual(2);
  });

  it('does not count refusals about where the bot may post', async () => {
    h = await startHarness('http');
    h.sim.fault('chat.postMessage', { error: 'not_in_channel' });
    for (let i = 0; i < 4; i += 1) await h.sender.event(eventCallback(directMessage({ text: 'When did the talks begin?', channel: `D0NIC${i}` })));
    await waitFor(() => (h?.logs.events('slack_api_error').length === 4 ? true : undefined), 5_000, 'four refusals');
    expect(slackOf(h).readiness().ok).toBe(true);
  });
});

describe('Slack shutdown: drain', () => {
  it('HTTP mode: answers every acked event, then refuses new ones with 503 and Retry-After', async () => {
    h = await startHarness('http');
    const harness = h;
    const sent = Array.from({ length: 30 }, () => mentionEnvelope('C0DRAIN', 'When did the talks begin?'));
    const acks = await Promise.all(sent.map(({ envelope }) => harness.sender.event(envelope)));
    expect(acks.every((a) => a.status === 200)).toBe(true);
    const report = await slackOf(harness).drain?.(Date.now() + 5_000);
    expect(report?.abandoned).toBe(0);
    expect(repliesTo(harness.sim, 'C0DRAIN')).toBe(30);
    const refused = await harness.sender.event(mentionEnvelope('C0DRAIN', 'late').envelope);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
  });

  it('HTTP mode: what the deadline cuts off is reported as abandoned, not as clean', async () => {
    h = await startHarness('http');
    const harness = h;
    harness.sim.fault('chat.postMessage', { hang: true });
    await Promise.all(Array.from({ length: 3 }, () => harness.sender.event(mentionEnvelope('C0HANG', 'When did the talks begin?').envelope)));
    await sleep(50);
    const report = await slackOf(harness).drain?.(Date.now() + 100);
    expect(report).toEqual({ answered: 0, abandoned: 3 });
  });

  it('Socket Mode: closes the socket first, then lets the events under way finish', async () => {
    h = await startHarness('socket');
    const harness = h;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        harness.sim.socket.waitForAck(harness.sim.socket.send('events_api', mentionEnvelope('C0SOCKDRAIN', 'When did the talks begin?').envelope)),
      ),
    );
    const report = await slackOf(harness).drain?.(Date.now() + 5_000);
    expect(report?.abandoned).toBe(0);
    await waitFor(() => (repliesTo(harness.sim, 'C0SOCKDRAIN') === 10 ? true : undefined), 5_000, '10 replies');
  });
});
