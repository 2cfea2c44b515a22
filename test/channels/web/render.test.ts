import { describe, expect, it } from 'vitest';
import { renderError, renderReply } from '../../../src/channels/web/render.js';
import { messageFor } from '../../support/reply-message.js';
import type { Reply } from '../../../src/core/types.js';
import { MESSAGES } from '../../../src/messages.js';

const EXAMPLES = [
  { intent: 'talks-start', question: 'When did the talks begin?' },
  { intent: 'raid', question: 'How many ISIS operatives were killed?' },
];

const reply = (overrides: Partial<Reply>): Reply => {
  const base: Omit<Reply, 'message'> = {
    candidates: [],
    reason: null,
    kind: 'answer',
    question: 'q',
    intent: null,
    answer: null,
    source: null,
    confidence: 0,
    suggestions: [],
    related: [],
    ...overrides,
  };
  return { ...base, message: overrides.message ?? messageFor(base) };
};

describe('render: an answer', () => {
  const answer = reply({
    kind: 'answer',
    intent: 'talks-start',
    answer: 'In April.',
    source: { sentence: 'Talks began in April.', number: 3, paragraph: 1 },
    confidence: 0.92,
    related: [EXAMPLES[1]!],
  });

  it('shows the answer, its sentence labelled "sentence N of total", and related chips', () => {
    expect(renderReply(answer, 15)).toEqual({
      type: 'message',
      kind: 'answer',
      text: 'In April.',
      source: { sentence: 'Talks began in April.', number: 3, paragraph: 1, label: 'sentence 3 of 15' },
      chipsLabel: MESSAGES.web.relatedLabel,
      chips: [EXAMPLES[1]],
    });
  });

  it('has no chips label when there are no related questions', () => {
    expect(renderReply({ ...answer, related: [] }, 15)).toMatchObject({ chips: [], chipsLabel: null });
  });

  it('copies chips rather than sharing the engine’s arrays', () => {
    const rendered = renderReply(answer, 15);
    expect(rendered.chips[0]).not.toBe(answer.related[0]);
  });
});

describe('render: replies without an answer', () => {
  it('clarify: asks "did you mean" with the choices as chips, no extra label', () => {
    const out = renderReply(reply({ kind: 'clarify', suggestions: EXAMPLES }), 15);
    expect(out).toMatchObject({ kind: 'clarify', text: MESSAGES.unsure, source: null, chipsLabel: null, chips: EXAMPLES });
  });

  it('no-match: says the article does not cover it and offers example chips', () => {
    const out = renderReply(reply({ kind: 'no-match', suggestions: EXAMPLES }), 15);
    expect(out).toMatchObject({ kind: 'no-match', text: MESSAGES.notCovered, chipsLabel: MESSAGES.tryAsking, chips: EXAMPLES });
  });

  it('invalid: keeps the reason line and turns the listed suggestions into chips', () => {
    const out = renderReply(reply({ kind: 'invalid', suggestions: EXAMPLES, message: MESSAGES.empty }), 15);
    expect(out).toMatchObject({ kind: 'invalid', text: MESSAGES.empty, chipsLabel: MESSAGES.tryAsking, chips: EXAMPLES });
  });

  it('invalid without suggestions: the whole message', () => {
    expect(renderReply(reply({ kind: 'invalid', message: 'line one\nline two' }), 15).text).toBe('line one\nline two');
  });

  it('chat: small talk answer, with examples when it has no related questions', () => {
    const out = renderReply(reply({ kind: 'chat', answer: 'Hello!', suggestions: EXAMPLES }), 15);
    expect(out).toMatchObject({ kind: 'chat', text: 'Hello!', source: null, chipsLabel: MESSAGES.tryAsking, chips: EXAMPLES });
  });
});

describe('render: plain data only', () => {
  it('passes markup through as a string for the page to show as text', () => {
    const out = renderReply(reply({ kind: 'chat', answer: '<img src=x onerror=alert(1)>' }), 15);
    expect(out.text).toBe('<img src=x onerror=alert(1)>');
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('renders errors with their code and no chips', () => {
    expect(renderError('invalid-json', 'bad')).toEqual({
      type: 'message',
      kind: 'error',
      code: 'invalid-json',
      text: 'bad',
      source: null,
      chipsLabel: null,
      chips: [],
    });
  });
});

describe('render: a known unanswerable question', () => {
  it('leads with the engine’s own honest wording', () => {
    const out = renderReply(reply({ kind: 'no-match', message: "The article doesn't say who leads ISIS.", suggestions: EXAMPLES }), 15);
    expect(out.text).toBe("The article doesn't say who leads ISIS.");
    expect(out.source).toBeNull();
  });
});
