import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplyMemory } from '../../../src/channels/web/reply-memory.js';
import { parseClientFrame } from '../../../src/channels/web/protocol.js';
import { createQuestionLog, keyedHash } from '../../../src/store/question-log.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { WriteQueue } from '../../../src/store/write-queue.js';
import { memoryLogger, openClient, startWebChat, type RunningWebChat } from './helpers.js';

let root: string;
let store: Store;
let queue: WriteQueue;
let web: RunningWebChat;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'web-feedback-'));
  store = await openStore({ url: 'sqlite:bot.sqlite', root });
  queue = new WriteQueue(store, memoryLogger().logger, { flushDelayMs: 1 });
  web = await startWebChat({ questionLog: createQuestionLog({ queue, hash: keyedHash('web feedback test key'), mode: 'on' }) });
});

afterAll(async () => {
  await web.close();
  await queue.close();
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

describe('👍/👎 in the web chat', () => {
  it('an answer carries an id; a vote on it is recorded with the question and intent, and acknowledged', async () => {
    const client = await openClient(web.port);
    client.send({ type: 'message', text: 'when did the talks begin?' });
    const answer = await client.next();
    expect(answer).toMatchObject({ kind: 'answer', id: expect.stringMatching(/^[\w-]{16}$/) });

    client.send({ type: 'feedback', reply: answer.id, vote: 'down' });
    expect(await client.next()).toMatchObject({ type: 'feedback', reply: answer.id, vote: 'down', ok: true });
    await queue.flush();
    const [vote] = await store.dislikes();
    expect(vote).toMatchObject({ channel: 'web', vote: 'down', question: 'when did the talks begin?', intent: 'talks-start', question_id: answer.id });
    // The question itself was logged under the same id, so review sees its candidates.
    expect(vote?.candidates).toBe(JSON.stringify([{ intent: 'talks-start', score: 1 }]));
    client.socket.close();
  });

  it('a second vote on the same answer replaces the first', async () => {
    const client = await openClient(web.port);
    client.send({ type: 'message', text: 'how many died in the raid?' });
    const answer = await client.next();
    client.send({ type: 'feedback', reply: answer.id, vote: 'down' });
    await client.next();
    client.send({ type: 'feedback', reply: answer.id, vote: 'up' });
    expect(await client.next()).toMatchObject({ type: 'feedback', vote: 'up', ok: true });
    await queue.flush();
    const votes = await store.db
      .selectFrom('feedback')
      .selectAll()
      .where('question_id', '=', answer.id as string)
      .execute();
    expect(votes).toEqual([expect.objectContaining({ vote: 'up', intent: 'raid' })]);
    client.socket.close();
  });

  it('answers to chosen suggestions can be voted on too; replies that are not answers carry no id', async () => {
    const client = await openClient(web.port);
    client.send({ type: 'message', text: 'what is the weather' });
    expect((await client.next()).id).toBeUndefined();
    client.send({ type: 'intent', intent: 'raid' });
    const chosen = await client.next();
    expect(chosen).toMatchObject({ kind: 'answer', id: expect.any(String) });
    client.send({ type: 'feedback', reply: chosen.id, vote: 'up' });
    expect(await client.next()).toMatchObject({ type: 'feedback', ok: true });
    client.socket.close();
  });

  it("an unknown id, or another connection's id, gets a polite unknown-reply error and records nothing", async () => {
    const first = await openClient(web.port);
    first.send({ type: 'message', text: 'when did the talks begin?' });
    const answer = await first.next();
    const other = await openClient(web.port);
    other.send({ type: 'feedback', reply: answer.id, vote: 'down' });
    expect(await other.next()).toMatchObject({ kind: 'error', code: 'unknown-reply' });
    other.send({ type: 'feedback', reply: 'no-such-reply', vote: 'up' });
    expect(await other.next()).toMatchObject({ kind: 'error', code: 'unknown-reply' });
    other.send({ type: 'feedback', reply: answer.id, vote: 'sideways' });
    expect(await other.next()).toMatchObject({ kind: 'error', code: 'invalid-feedback' });
    first.socket.close();
    other.socket.close();
  });
});

describe('the feedback frame and the reply memory', () => {
  it('validates a feedback frame', () => {
    expect(parseClientFrame(JSON.stringify({ type: 'feedback', reply: 'abc', vote: 'up' }))).toEqual({
      ok: true,
      frame: { type: 'feedback', reply: 'abc', vote: 'up' },
    });
    expect(parseClientFrame(JSON.stringify({ type: 'feedback', reply: 7, vote: 'up' }))).toMatchObject({ ok: false, code: 'unknown-reply' });
    expect(parseClientFrame(JSON.stringify({ type: 'feedback', reply: 'x'.repeat(65), vote: 'up' }))).toMatchObject({ ok: false, code: 'unknown-reply' });
    expect(parseClientFrame(JSON.stringify({ type: 'feedback', reply: 'abc' }))).toMatchObject({ ok: false, code: 'invalid-feedback' });
  });

  it('remembers the last 50 answers per connection and a bounded number of connections', () => {
    const memory = new ReplyMemory(50, 3);
    const reply = { question: 'q', intent: 'i', version: 'v', questionId: null };
    for (let i = 0; i < 60; i++) memory.remember('conn-a', `r${i}`, reply);
    expect(memory.recall('conn-a', 'r9')).toBeUndefined();
    expect(memory.recall('conn-a', 'r10')).toEqual(reply);
    for (const c of ['b', 'c', 'd']) memory.remember(`conn-${c}`, 'r', reply);
    expect(memory.size).toBe(3);
    expect(memory.recall('conn-a', 'r59')).toBeUndefined();
  });
});
