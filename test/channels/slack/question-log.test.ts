import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQuestionLog, keyedHash } from '../../../src/store/question-log.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { WriteQueue } from '../../../src/store/write-queue.js';
import { payloads } from '../../support/slack-sim/index.js';
import { memoryLogger } from '../web/helpers.js';
import { type Harness, startHarness, type Transport, transportFor } from './harness.js';

const { eventCallback, mention, slashCommand, blockAction, nextTs } = payloads;

describe('Slack questions and votes go to the store', () => {
  let root: string;
  let store: Store;
  let queue: WriteQueue;
  let h: Harness;
  let slack: Transport;
  const hash = keyedHash('slack question log test key');

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'slack-log-'));
    store = await openStore({ url: 'sqlite:bot.sqlite', root });
    queue = new WriteQueue(store, memoryLogger().logger, { flushDelayMs: 1 });
    h = await startHarness('http', { questionLog: createQuestionLog({ queue, hash, mode: 'on' }) });
    slack = transportFor('http', h);
  });
  beforeEach(() => h.sim.reset());
  afterAll(async () => {
    await h.close();
    await queue.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('an @-mention is logged with its surface, hashed channel-and-thread and user, candidates and content version', async () => {
    const ts = nextTs();
    await slack.event(eventCallback(mention({ text: '<@U0BOT> When did the talks begin?', ts })));
    await h.sim.waitForCalls('chat.postMessage');
    await queue.flush();
    const rows = await store.db.selectFrom('questions').selectAll().where('surface', '=', 'mention').execute();
    expect(rows).toEqual([
      expect.objectContaining({
        channel: 'slack',
        question: 'When did the talks begin?',
        kind: 'answer',
        intent: 'talks-start',
        user_hash: hash('U0ASKER'),
        conversation_hash: hash(`C0GENERAL:${ts}`),
        content_version: expect.stringMatching(/^[0-9a-f]{12}$/),
      }),
    ]);
    expect(JSON.parse(rows[0]?.candidates ?? '[]')[0]).toMatchObject({ intent: 'talks-start' });
  });

  it('a slash command is logged, and its ack does not wait for the store', async () => {
    const message = await slack.command(slashCommand({ text: 'who leads isis?', responseUrl: h.sim.responseUrl() }));
    expect(message.response_type).toBe('ephemeral');
    await queue.flush();
    expect(await store.questionsOfKinds(['no-match'], { channel: 'slack' })).toEqual([
      expect.objectContaining({ surface: 'command', question: 'who leads isis?' }),
    ]);
  });

  it('👎 on an answer is recorded with the question and intent; voting again replaces it', async () => {
    await slack.event(eventCallback(mention({ text: '<@U0BOT> How many were killed in the raid?' })));
    const [call] = await h.sim.waitForCalls('chat.postMessage');
    const blocks = call?.args.blocks as { elements?: { action_id?: string; value?: string }[] }[];
    const value = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'feedback_down')?.value ?? '';
    const message = { ts: nextTs(), channel: 'C0GENERAL', text: String(call?.args.text), blocks };
    await slack.action(blockAction({ actionId: 'feedback_down', value, responseUrl: h.sim.responseUrl(), message }));
    await h.sim.waitForCalls('chat.update');
    await queue.flush();
    const [vote] = await store.dislikes({ channel: 'slack' });
    expect(vote).toMatchObject({ vote: 'down', question: 'How many were killed in the raid?', intent: expect.any(String), user_hash: hash('U0ASKER') });

    await slack.action(blockAction({ actionId: 'feedback_up', value, responseUrl: h.sim.responseUrl(), message }));
    await queue.flush();
    expect(await store.dislikes({ channel: 'slack' })).toEqual([]);
    expect(await store.db.selectFrom('feedback').select('vote').execute()).toEqual([{ vote: 'up' }]);
  });
});
