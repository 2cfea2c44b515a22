import { describe, expect, it } from 'vitest';
import {
  decodeAnswerRef,
  encodeAnswerRef,
  fitAround,
  LIMITS,
  renderContext,
  renderHelp,
  renderHome,
  renderReply,
  withFeedbackAck,
} from '../../../src/channels/slack/blocks.js';
import type { Article, Reply, Suggestion } from '../../../src/core/types.js';
import { messageFor } from '../../support/reply-message.js';
import { MESSAGES } from '../../../src/messages.js';

const sentences = [
  { number: 1, paragraph: 1, text: 'First & foremost.' },
  { number: 2, paragraph: 1, text: 'Second <sentence>.' },
  { number: 3, paragraph: 2, text: 'Third one.' },
];
const article: Article = {
  title: 'A <small> article',
  text: sentences.map((s) => s.text).join(' '),
  sentences,
  paragraphs: [
    { number: 1, sentences: sentences.slice(0, 2) },
    { number: 2, sentences: sentences.slice(2) },
  ],
};

const suggestions: Suggestion[] = [
  { intent: 'a', question: 'Question A?' },
  { intent: 'b', question: 'Question B?' },
  { intent: 'c', question: 'Question C?' },
  { intent: 'd', question: 'Question D?' },
];

function reply(overrides: Partial<Reply>): Reply {
  const base: Omit<Reply, 'message'> = {
    candidates: [],
    reason: null,
    kind: 'answer',
    question: 'What is first?',
    intent: 'first',
    answer: 'The first & best.',
    source: { sentence: 'First & foremost.', number: 1, paragraph: 1 },
    confidence: 0.9,
    suggestions: [],
    related: suggestions.slice(0, 2),
    ...overrides,
  };
  return { ...base, message: overrides.message ?? messageFor(base) };
}

type AnyBlock = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { type: string; text: string | { text: string }; action_id?: string; value?: string }[];
};
const blocksOf = (value: { blocks: unknown[] }): AnyBlock[] => value.blocks as AnyBlock[];
const texts = (value: { blocks: unknown[] }): string[] =>
  blocksOf(value).flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : e.text.text))]);
const actionIds = (value: { blocks: unknown[] }): string[] =>
  blocksOf(value)
    .flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? ''))
    .filter(Boolean);

describe('renderReply for an answer', () => {
  const message = renderReply(reply({}), { totalSentences: 15 });

  it('shows the answer, the source as a quote, and "sentence N of 15"', () => {
    const all = texts(message);
    expect(all).toContain('The first &amp; best.');
    expect(all).toContain('>First &amp; foremost.');
    expect(all).toContain('_sentence 1 of 15_');
  });

  it('offers Show context, related questions and 👍/👎, but Share only when asked to', () => {
    expect(actionIds(message)).toEqual(['show_context', 'ask_intent:0', 'ask_intent:1', 'feedback_up', 'feedback_down']);
    expect(actionIds(renderReply(reply({}), { totalSentences: 15, share: true }))).toContain('share_answer');
  });

  it('has an escaped plain-text fallback', () => {
    expect(message.text).toBe('The first &amp; best.\n\n“First &amp; foremost.” (sentence 1 of 15)');
  });

  it('feedback buttons carry the intent and the question', () => {
    const up = blocksOf(message)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'feedback_up');
    expect(decodeAnswerRef(up?.value)).toEqual({ intent: 'first', question: 'What is first?' });
  });
});

describe('renderReply escaping user text', () => {
  it('escapes <!channel>, <!here> and <@U123> in the echoed question, and marks the text verbatim', () => {
    const message = renderReply(reply({ question: '<!channel> <!here> <@U123> & more' }), {
      totalSentences: 15,
      heading: { question: '<!channel> <!here> <@U123> & more' },
    });
    const heading = blocksOf(message)[0] as { elements: { text: string; verbatim?: boolean }[] };
    expect(heading.elements[0]?.text).toBe('You asked: &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &amp; more');
    expect(heading.elements[0]?.verbatim).toBe(true);
  });

  it('attributes to a well-formed user id only', () => {
    const ok = renderReply(reply({}), { totalSentences: 15, heading: { question: 'q', user: 'U0ASKER' } });
    expect(texts(ok)).toContain('<@U0ASKER> asked: q');
    const forged = renderReply(reply({}), { totalSentences: 15, heading: { question: 'q', user: 'U1> <!channel' } });
    expect(texts(forged)).toContain('You asked: q');
  });

  it("drops bidi controls from the echoed question, so they cannot turn the bot's own words around", () => {
    const question = '\u202eWhen did the talks begin?\u202c \u2067x\u2069\u200f';
    const attributed = renderReply(reply({}), { totalSentences: 15, heading: { question, user: 'U0ASKER' } });
    expect(texts(attributed)).toContain('<@U0ASKER> asked: When did the talks begin? x');
    const own = renderReply(reply({}), { totalSentences: 15, heading: { question: '\u202e\u2066' } });
    expect(texts(own)).not.toContain('You asked');
  });
});

describe('renderReply within Block Kit limits', () => {
  const huge = 'x&'.repeat(10_000);
  const message = renderReply(
    reply({
      answer: huge,
      message: 'y'.repeat(50_000),
      question: huge,
      source: { sentence: huge, number: 1, paragraph: 1 },
      related: Array.from({ length: 40 }, (_, i) => ({ intent: `i${i}`, question: `${'Long question '.repeat(10)}${i}` })),
    }),
    { totalSentences: 15, heading: { question: huge } },
  );

  it('keeps every section text within 3,000 characters without cutting an entity', () => {
    for (const t of texts(message)) {
      expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(t).not.toMatch(/&[a-z]{0,3}…/);
    }
  });

  it('keeps button labels within 75 characters, values within 2,000, at most 5 question buttons', () => {
    const els = blocksOf(message)
      .flatMap((b) => b.elements ?? [])
      .filter((e) => e.type === 'button');
    for (const e of els) {
      expect((e.text as { text: string }).text.length).toBeLessThanOrEqual(LIMITS.buttonText);
      expect((e.value ?? '').length).toBeLessThanOrEqual(LIMITS.buttonValue);
    }
    expect(actionIds(message).filter((id) => id.startsWith('ask_intent:'))).toHaveLength(5);
  });

  it('keeps the fallback text within 40,000 characters and the blocks within 50', () => {
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.text);
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  });

  it('encodes a long question into a button value that still decodes', () => {
    const value = encodeAnswerRef({ intent: 'i', question: '"'.repeat(5_000) });
    expect(value.length).toBeLessThanOrEqual(LIMITS.buttonValue);
    expect(decodeAnswerRef(value)?.intent).toBe('i');
    expect(decodeAnswerRef('not json')).toBeNull();
  });
});

describe('renderReply for replies that are not answers', () => {
  it('clarify: "did you mean" with one button per choice', () => {
    const message = renderReply(
      reply({ kind: 'clarify', intent: null, answer: null, source: null, related: [], suggestions: suggestions.slice(0, 3), message: MESSAGES.unsure }),
      { totalSentences: 15 },
    );
    expect(texts(message)[0]).toBe(MESSAGES.unsure);
    expect(actionIds(message)).toEqual(['ask_intent:0', 'ask_intent:1', 'ask_intent:2']);
  });

  it('no-match: what the article covers and exactly 3 examples', () => {
    const message = renderReply(reply({ kind: 'no-match', intent: null, answer: null, source: null, related: [], suggestions }), {
      totalSentences: 15,
    });
    expect(texts(message)[0]).toBe(MESSAGES.notCovered);
    expect(actionIds(message)).toHaveLength(3);
  });

  it('no-match without suggestions falls back to the given examples', () => {
    const message = renderReply(reply({ kind: 'no-match', intent: null, answer: null, source: null, related: [], suggestions: [] }), {
      totalSentences: 15,
      examples: suggestions,
    });
    expect(actionIds(message)).toHaveLength(3);
  });

  it("invalid: the engine's message", () => {
    const message = renderReply(reply({ kind: 'invalid', intent: null, answer: null, source: null, related: [], suggestions, message: MESSAGES.empty }), {
      totalSentences: 15,
    });
    expect(texts(message)[0]).toBe(MESSAGES.empty);
  });
});

describe('renderContext', () => {
  it('shows the paragraph with the sentence in bold', () => {
    const message = renderContext(article, 2);
    expect(texts(message!)).toContain('First &amp; foremost. *Second &lt;sentence&gt;.*');
    expect(texts(message!)).toContain('_sentence 2 of 3_');
  });

  it('returns null for a sentence that does not exist', () => {
    expect(renderContext(article, 99)).toBeNull();
  });

  it('fits a long paragraph around the bold sentence', () => {
    const parts = Array.from({ length: 10 }, (_, i) => (i === 5 ? '*focus*' : 'p'.repeat(900)));
    const fitted = fitAround(parts, 5, 3000);
    expect(fitted.length).toBeLessThanOrEqual(3000);
    expect(fitted).toContain('*focus*');
    expect(fitted.startsWith('… ')).toBe(true);
    expect(fitted.endsWith(' …')).toBe(true);
  });
});

describe('help, home and feedback acknowledgement', () => {
  it('help lists example questions as buttons', () => {
    expect(actionIds(renderHelp(suggestions))).toHaveLength(Math.min(5, suggestions.length));
  });

  it('the home view explains the bot and offers example buttons', () => {
    const view = renderHome(article, suggestions);
    expect(view.type).toBe('home');
    expect(JSON.stringify(view)).toContain('A &lt;small&gt; article');
    expect(actionIds(view as { blocks: unknown[] })[0]).toBe('home_ask:0');
  });

  it('a vote replaces only the feedback buttons with a thank-you', () => {
    const message = renderReply(reply({}), { totalSentences: 15 });
    const acked = withFeedbackAck(message.blocks, 'up');
    expect(acked).toHaveLength(message.blocks.length);
    expect(actionIds({ blocks: acked })).toEqual(['show_context', 'ask_intent:0', 'ask_intent:1']);
    expect(JSON.stringify(acked)).toContain('Thanks for the feedback 👍');
  });
});

describe('renderReply for a known unanswerable question', () => {
  it('leads with the engine’s own honest wording', () => {
    const message = renderReply(
      reply({ kind: 'no-match', answer: null, source: null, related: [], message: "The article doesn't say who leads ISIS.", suggestions }),
      { totalSentences: 15 },
    );
    expect(JSON.stringify(message.blocks)).toContain("The article doesn't say who leads ISIS.");
  });
});

describe('a reply of several parts', () => {
  it('is one message with a section per part, each with its own quote, and one 👍/👎', () => {
    const part = (n: number, answer: string): Reply =>
      reply({ question: `part ${n}?`, answer, message: answer, source: { sentence: `Sentence <${n}>.`, number: n, paragraph: 1 } });
    const none = reply({ kind: 'no-match', question: 'names?', intent: null, answer: null, source: null, message: "The article doesn't say." });
    const whole = reply({ question: 'part 1 and part 2 and names?', parts: [part(1, 'One.'), part(2, 'Two & more.'), none] });
    const message = renderReply(whole, { totalSentences: 15 });
    const texts = JSON.stringify(message.blocks);
    expect(texts).toContain('>Sentence &lt;1&gt;.');
    expect(texts).toContain('Two &amp; more.');
    expect(texts).toContain('sentence 2 of 15');
    expect(texts).toContain("The article doesn't say.");
    expect(message.blocks.filter((b) => b.block_id === 'feedback')).toHaveLength(1);
  });
});
