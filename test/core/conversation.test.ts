import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';
import { afterChoice, type ConversationContext } from '../../src/core/conversation/context.js';
import { InMemoryConversations } from '../../src/core/conversation/memory.js';
import { splitParts } from '../../src/core/conversation/parts.js';
import { loadEngine } from '../../src/core/engine.js';
import { MESSAGES } from '../../src/messages.js';

const engine = loadEngine({ root: projectRoot });

/** Ask a conversation's turns in order; the replies. */
function talk(...questions: string[]) {
  let context: ConversationContext | undefined;
  return questions.map((q) => {
    const turn = engine.converse(q, context);
    context = turn.context;
    return turn.reply;
  });
}

describe('a follow-up question', () => {
  it('is read against the last topic answered ("and when did they start?")', () => {
    const [first, second] = talk('What are the US and Iraq negotiating?', 'and when did they start?');
    expect(first?.kind).toBe('answer');
    expect(second).toMatchObject({ kind: 'answer', source: { number: 3 } });
  });

  it('"how many?" and "where was it?" after the raid', () => {
    const [, howMany, where] = talk('what did the pentagon announce', 'how many were killed?', 'where was it?');
    expect(howMany?.answer).toMatch(/four/i);
    expect(where).toMatchObject({ kind: 'answer', source: { number: 8 } });
  });

  it('"tell me more" gives a neighbouring sentence not yet given', () => {
    const [first, more] = talk('when did the talks begin', 'tell me more');
    expect(more?.kind).toBe('answer');
    expect(more?.source?.number).not.toBe(first?.source?.number);
    expect(Math.abs((more?.source?.number ?? 0) - (first?.source?.number ?? 0))).toBeLessThanOrEqual(2);
  });

  it('"why?" gets the reason the article gives, or an honest "it doesn\'t say why"', () => {
    const [, why] = talk('what did the pentagon announce', 'why?');
    expect(why).toMatchObject({ kind: 'answer', source: { number: 8 } });
    const [, noReason] = talk('when did the talks begin', 'why?');
    expect(noReason?.kind === 'no-match' ? noReason.message : 'answered').toBe(MESSAGES.noReason);
  });

  it('never takes the bot beyond the article, and a new topic starts afresh', () => {
    const [, names, leader] = talk('what did the pentagon announce', 'what were the names of the dead?', 'who leads ISIS?');
    expect(names?.kind).toBe('no-match');
    expect(leader?.kind).toBe('no-match');
  });

  it('without a context is the question on its own', () => {
    expect(engine.converse('how many?', undefined).reply.kind).not.toBe('answer');
  });
});

describe('a choice made by button', () => {
  it('becomes the last topic: a follow-up after it is read against the chosen intent', () => {
    const chosen = engine.answerIntent('raid-announcement');
    expect(chosen?.kind).toBe('answer');
    const context = afterChoice(undefined, chosen as NonNullable<typeof chosen>);
    expect(engine.converse('where was it?', context).reply).toMatchObject({ kind: 'answer', source: { number: 8 } });
  });
});

describe('a two-part question', () => {
  it('is split where a new question starts', () => {
    expect(splitParts('who announced the raid and how many died?')).toEqual(['who announced the raid', 'how many died?']);
    expect(splitParts('What are the US and Iraq negotiating?')).toEqual(['What are the US and Iraq negotiating?']);
  });

  it('gets each answer with its own source', () => {
    const reply = engine.ask('How many ISIS operatives were killed and where?');
    expect(reply.parts).toHaveLength(2);
    expect(reply.parts?.[0]?.answer).toMatch(/four/i);
    expect(reply.parts?.[1]).toMatchObject({ kind: 'answer', source: { number: 8 } });
  });

  it('says which part the article cannot answer', () => {
    const reply = engine.ask('how many died in the raid and what were their names');
    expect(reply.parts?.map((p) => p.kind)).toEqual(['answer', 'no-match']);
  });
});

describe('conversation memory', () => {
  it('forgets a conversation after its TTL', async () => {
    let now = 0;
    const memory = new InMemoryConversations({ ttlMs: 1_000, now: () => now });
    await memory.save('a', { turns: [], given: ['x'] });
    now = 999;
    expect(await memory.load('a')).toBeDefined();
    now = 2_100;
    expect(await memory.load('a')).toBeUndefined();
  });

  it('stays bounded over 100,000 conversations', async () => {
    const memory = new InMemoryConversations({ maxConversations: 1_000 });
    let context: ConversationContext | undefined;
    for (let i = 0; i < 100_000; i++) {
      if (i % 1_000 === 0) context = engine.converse('when did the talks begin', undefined).context;
      await memory.save(`conversation-${i}`, context as ConversationContext);
    }
    expect(memory.size).toBe(1_000);
    expect(await memory.load('conversation-0')).toBeUndefined();
    expect(await memory.load('conversation-99999')).toBeDefined();
  });
});
