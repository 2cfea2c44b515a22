import { describe, expect, it } from 'vitest';
import { loadEngine } from '../../../src/core/engine.js';
import { MESSAGES } from '../../../src/messages.js';
import { Matcher } from '../../../src/core/matching/matcher.js';
import { questionType, textPointer } from '../../../src/core/matching/query.js';
import { editDistance } from '../../../src/core/matching/spelling.js';
import { DEFAULT_TUNING, tune } from '../../../src/core/matching/tuning.js';
import { fixtureEngine, fixtureWith } from '../../support/content-fixture.js';

const engine = fixtureEngine();

describe('a question the article answers', () => {
  it('is answered with its verbatim source sentence, number and paragraph', () => {
    const reply = engine.ask('Where will the new plant open?');
    expect(reply).toMatchObject({ kind: 'answer', intent: 'plant-location', answer: 'Alpha Corp will open the plant in Springfield.' });
    expect(reply.source).toEqual({ sentence: 'Alpha Corp will open a new plant in Springfield next spring.', number: 1, paragraph: 1 });
    expect(engine.article.text).toContain(reply.source?.sentence);
    expect(reply.confidence).toBeGreaterThan(0.65);
    expect(reply.related).toEqual([{ intent: 'plant-jobs', question: 'How many people will the plant employ?' }]);
    expect(reply.source?.number).toBe(1);
  });

  it('survives typos, aliases and casual case', () => {
    expect(engine.ask('when did the negotiatons begin').intent).toBe('talks-start');
    expect(engine.ask('HOW MANY JOBS WILL THE FACTORY CREATE??').intent).toBe('plant-jobs');
    expect(engine.ask('what does america think of the plan').intent).toBe('labor-reaction');
  });

  it('corrects a short word with a letter missing, whose matching letters fall in runs of two', () => {
    // "plnt" against "plant": the letters match as "pl" + "nt", no run of three.
    expect(engine.rank('plnt').corrections).toEqual({ plnt: 'plant' });
    expect(engine.ask('where will the new plnt open').intent).toBe('plant-location');
  });
});

describe('small talk', () => {
  it('gets a chat reply that is never an article answer', () => {
    const reply = engine.ask('hey');
    expect(reply.kind).toBe('chat');
    expect(reply.source).toBeNull();
  });
});

describe('a question the article does not cover', () => {
  it('gets "I can only answer what this article says", with example questions, when it is off-topic', () => {
    const reply = engine.ask("what's the weather like in Paris today?");
    expect(reply).toMatchObject({ kind: 'no-match', reason: 'off-topic', source: null, message: MESSAGES.offTopic });
    expect(reply.suggestions.length).toBeGreaterThan(0);
  });

  it('gets no confident answer for a near-topic question with words the article lacks', () => {
    for (const q of ['How many robots will the plant use?', 'Who is the mayor of Springfield?', 'When will the plant close?']) {
      expect(engine.ask(q).kind, q).not.toBe('answer');
    }
  });
});

describe('a question between two intents', () => {
  it('asks "did you mean" with up to 3 choices when the best match is weak', () => {
    const reply = engine.ask('plant');
    expect(reply.kind).toBe('clarify');
    expect(reply.suggestions.length).toBeGreaterThanOrEqual(2);
    expect(reply.suggestions.length).toBeLessThanOrEqual(3);
    expect(reply.suggestions.map((s) => s.intent)).toEqual(expect.arrayContaining(['plant-location', 'plant-jobs']));
  });
});

describe('bad input', () => {
  it('answers empty and whitespace-only input with a hint', () => {
    for (const q of ['', '   ', '\u0000\u0001', '\n\t']) expect(engine.ask(q).kind).toBe('invalid');
  });

  it('refuses a 40,000-character message cheaply', () => {
    const huge = 'where will the plant open '.repeat(2000).slice(0, 40_000);
    const started = performance.now();
    const reply = engine.ask(huge);
    const elapsed = performance.now() - started;
    expect(reply.kind).toBe('invalid');
    expect(reply.question.length).toBeLessThan(100);
    expect(elapsed).toBeLessThan(50);
  });

  it('matches a message just under the length cap', () => {
    const long = `where will the plant open ${'please '.repeat(100)}`.slice(0, DEFAULT_TUNING.maxQuestionChars);
    expect(engine.ask(long).kind).not.toBe('invalid');
  });

  it('never throws on binary or odd Unicode', () => {
    for (const q of ['\uFFFF\uD800', '🙂🙂🙂', '<script>alert(1)</script>', '\u202Eevil\u202C', 'a'.repeat(999)]) {
      expect(() => engine.ask(q)).not.toThrow();
    }
  });
});

describe('determinism', () => {
  it('gives the same output for the same input', () => {
    const qs = ['where is the factory', 'plant', 'weather?', 'talks when'];
    const first = qs.map((q) => engine.ask(q));
    const again = qs.map((q) => engine.ask(q));
    expect(again).toEqual(first);
  });
});

describe('a chatty question', () => {
  it('is not sunk by an everyday word that another intent happens to use ("think")', () => {
    expect(engine.ask('how many people will the plant employ, do you think')).toMatchObject({ kind: 'answer', intent: 'plant-jobs' });
  });

  it('that contains an example question offers that intent, however much else it says', () => {
    const story = 'My cousin is an electrician and has been out of work since winter, so he keeps asking me';
    const reply = engine.ask(`${story}: how many people will the plant employ?`);
    expect(reply.kind).not.toBe('no-match');
    expect(engine.rank(`${story}: how many people will the plant employ?`).candidates[0]?.intent.id).toBe('plant-jobs');
    expect(engine.ask(`${story} how many robots the plant will use`).kind).toBe('no-match');
  });

  it('that merely mentions a topic does not "contain" a two-word example of it ("plant jobs")', () => {
    const rant = 'My neighbour keeps going on and on about the plant jobs and I am honestly tired of hearing about it every single day';
    expect(engine.rank(rant).candidates[0]?.similarity).toBeLessThan(0.9 * 0.9);
    expect(engine.ask(rant).kind).toBe('no-match');
  });
});

describe('a question that points into the article', () => {
  it('reads the paragraph or sentence it names', () => {
    expect(textPointer('In the third paragraph, what is said?')).toEqual({ paragraph: 3 });
    expect(textPointer('what does the final sentence mean')).toEqual({ sentence: Number.POSITIVE_INFINITY });
    expect(textPointer('when did talks first begin')).toEqual({});
  });

  it('weighs down intents grounded outside the paragraph it names', () => {
    const score = (q: string, id: string): number => engine.rank(q).candidates.find((c) => c.intent.id === id)?.score ?? 0;
    const plain = 'what does the article say about the plant';
    const pointed = 'what does the second paragraph say about the plant';
    expect(score(pointed, 'plant-location')).toBeCloseTo(score(plain, 'plant-location') * 0.75, 9); // paragraph 1
    expect(score(pointed, 'plant-jobs')).toBeCloseTo(score(plain, 'plant-jobs'), 9); // paragraph 2
    expect(score('in the last sentence, what will the plant do', 'labor-reaction')).toBeCloseTo(score('what will the plant do', 'labor-reaction'), 9);
  });
});

describe('a one-word question', () => {
  it('gets choices when intents of different sentences could answer it, even if one example is that very word', () => {
    const keyworded = loadEngine({ root: fixtureWith((yaml) => yaml.replace('      - plant jobs\n', '      - plant jobs\n      - plant\n')) });
    expect(keyworded.rank('plant').candidates[0]).toMatchObject({ intent: { id: 'plant-jobs' }, score: 1 });
    const reply = keyworded.ask('plant');
    expect(reply.kind).toBe('clarify');
    expect(reply.suggestions.map((s) => s.intent)).toEqual(expect.arrayContaining(['plant-jobs', 'plant-location']));
  });

  it('is answered when only one sentence speaks of it', () => {
    expect(engine.ask('negotiations')).toMatchObject({ kind: 'answer', intent: 'talks-start' });
  });
});

describe('a "which country" question', () => {
  it('may be answered by an intent asked with "where" (a place) as well as with "who" (a party)', () => {
    const relaxed = new Matcher(engine.intents, engine.matcher.normalizer, tune({ ...engine.tuning, typeMismatch: 1 }));
    for (const q of ['which country will the new plant open in', 'what nation gets the new plant']) {
      const best = engine.rank(q).candidates[0];
      expect(best?.intent.id, q).toBe('plant-location');
      expect(best?.score, q).toBeCloseTo(relaxed.rank(q).candidates[0]?.score ?? 0, 9);
    }
  });
});

describe('answering a chosen intent', () => {
  it('answers by id, for "did you mean" and related-question buttons', () => {
    expect(engine.answerIntent('plant-jobs')?.source?.number).toBe(3);
    expect(engine.answerIntent('no-such-intent')).toBeUndefined();
  });
});

describe('matcher building blocks', () => {
  it('measures edit distance with transpositions, stopping early', () => {
    expect(editDistance('coalitoin', 'coalition', 2)).toBe(1);
    expect(editDistance('negotiatons', 'negotiations', 2)).toBe(1);
    expect(editDistance('alpha', 'omega', 1)).toBe(2);
  });

  it('tells question types apart', () => {
    expect(questionType('When did talks begin?')).toBe('when');
    expect(questionType('how many jobs')).toBe('count');
    expect(questionType('for how long will it last')).toBe('duration');
    expect(questionType('which countries are involved')).toBe('which-country');
    expect(questionType('which officials spoke')).toBe('who');
    expect(questionType('why the change')).toBe('why');
    expect(questionType('is it settled')).toBe('other');
  });
});

describe('a known unanswerable question', () => {
  it('gets an honest no-match in its own words, never an answer', () => {
    const reply = engine.ask('who is the mayor of springfield?');
    expect(reply.kind).toBe('no-match');
    expect(reply.source).toBeNull();
    expect(reply.message).toMatch(/^The article doesn't say who leads Springfield\./);
  });

  it('is never offered as a "did you mean" choice or answered by id', () => {
    for (const q of ['mayor', 'city plant', 'who']) expect(engine.ask(q).suggestions.map((s) => s.intent)).not.toContain('city-officials');
    expect(engine.answerIntent('city-officials')?.kind).toBe('no-match');
  });
});
