import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../src/core/lru.js';
import { clauseTails } from '../../../src/core/matching/matcher.js';
import { SpellingCorrector } from '../../../src/core/matching/spelling.js';
import { DEFAULT_TUNING, tune } from '../../../src/core/matching/tuning.js';
import { asksForAStance } from '../../../src/core/matching/words/stance.js';
import { fixtureEngine } from '../../support/content-fixture.js';

const engine = fixtureEngine();

describe('small talk as a closed class', () => {
  it('is small talk only when the whole message is', () => {
    expect(engine.ask('hi there').kind).toBe('chat');
    expect(engine.ask('hello bot!').kind).toBe('chat');
    // "good" is in "good morning", but "good news?" is not a greeting.
    expect(engine.ask('good news?')).toMatchObject({ kind: 'no-match', reason: 'off-topic' });
    expect(engine.ask('hey, good morning').kind).toBe('chat');
  });

  it('never answers an article question with small talk because of a greeting in front', () => {
    expect(engine.ask('hello, where will the new plant open?')).toMatchObject({ kind: 'answer', intent: 'plant-location' });
  });
});

describe('off-topic and opinion questions', () => {
  it('get "I can only answer…", never an article answer, even when they use the article\'s words', () => {
    for (const q of [
      'is this good news?',
      'should Alpha Corp open the plant?',
      'do you think the plant will fail?',
      'what is 2+2',
      'write me a poem about the plant',
    ]) {
      expect(engine.ask(q), q).toMatchObject({ kind: 'no-match', reason: 'off-topic' });
    }
  });

  it('are told apart from questions that only sound like opinions', () => {
    expect(asksForAStance('how many people will the plant employ do you think')).toBe(false);
    expect(asksForAStance('is that right')).toBe(false);
    expect(asksForAStance('do you think isis will return')).toBe(true);
    expect(asksForAStance('how do i join the army')).toBe(true);
  });
});

describe('a question after a preamble', () => {
  it('is read from its last clause when that reads better', () => {
    expect(clauseTails('I am writing a brief for my boss, so: where will the plant open?')).toEqual(['where will the plant open?']);
    expect(clauseTails('the U.S. Department of Labor said what?')).toEqual([]);
    const reply = engine.ask('My cousin is an electrician and keeps asking me — where will the new plant open?');
    expect(reply).toMatchObject({ kind: 'answer', intent: 'plant-location' });
  });
});

describe('bounded cost', () => {
  it('makes at most a few fuzzy look-ups per question, and remembers a bounded number', () => {
    const tuning = tune({ spellLookupsPerQuestion: 2, spellCacheSize: 3 });
    const corrector = new SpellingCorrector({ known: new Set(['negotiations', 'announcement', 'coalition']), isStopWord: () => false }, tuning);
    const fixes: Record<string, string> = {};
    const correct = corrector.forQuestion(fixes);
    expect(['negotiatons', 'anouncement', 'coalitoin'].map(correct)).toEqual(['negotiations', 'announcement', 'coalitoin']);
    expect(fixes).toEqual({ negotiatons: 'negotiations', anouncement: 'announcement' });
    // Cached corrections cost no look-up.
    expect(corrector.forQuestion({})('negotiatons')).toBe('negotiations');
    // Words too long to be a typo of a known word are left alone.
    expect(corrector.forQuestion({})('x'.repeat(DEFAULT_TUNING.spellMaxWordLength + 1))).toBe('x'.repeat(21));
  });

  it('makes no fuzzy look-up at all for gibberish: most long words unknown', () => {
    const corrector = new SpellingCorrector({ known: new Set(['negotiations', 'announcement']), isStopWord: () => false }, DEFAULT_TUNING);
    // Words a typo could be made of start with a letter some known word starts with (n, a).
    const gibberish = ['nqwzx', 'nplmko', 'azzvvb', 'negotiatons', 'axkcdq', 'nhjklm', 'abnmvc'];
    const correct = corrector.forQuestion({}, gibberish);
    expect(correct('negotiatons')).toBe('negotiatons');
    expect(corrector.forQuestion({}, ['when', 'did', 'negotiatons', 'begin'])('negotiatons')).toBe('negotiations');
  });

  it('forgets the least recently used entry first', () => {
    const lru = new LruCache<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c'), lru.size]).toEqual([1, undefined, 3, 2]);
  });
});

describe('tuning', () => {
  it('is frozen, and overrides are checked for consistency', () => {
    expect(Object.isFrozen(DEFAULT_TUNING)).toBe(true);
    expect(tune({ answer: 0.7 }).answer).toBe(0.7);
    expect(() => tune({ answer: 0.3, clarify: 0.5 })).toThrow(/clarify must not be above answer/);
  });
});

describe('a question that only points into the article', () => {
  it('offers the sentences of the paragraph it names, or answers from the sentence it names', () => {
    const paragraph = engine.ask('what does the last paragraph say?');
    expect(paragraph.kind).toBe('clarify');
    expect(paragraph.suggestions.map((s) => s.intent)).toEqual(expect.arrayContaining(['plant-jobs']));
    expect(engine.ask("what's in the first sentence?")).toMatchObject({ kind: 'answer', source: { number: 1 } });
  });

  it('"tl;dr" alone asks for the gist, and is never small talk', () => {
    expect(engine.ask('tl;dr').kind).not.toBe('chat');
    expect(engine.ask('hey, in the first sentence?').kind).not.toBe('chat');
  });
});
