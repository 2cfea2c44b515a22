import { describe, expect, it } from 'vitest';
import { evaluate, parseLabelled } from '../../src/core/evaluate.js';
import { fixtureEngine } from '../support/content-fixture.js';

const engine = fixtureEngine();

const tsv = [
  '"open a new plant in Springfield"\tWhere will the new plant open?',
  '"Talks began in May"\twhen did the negotiatons begin',
  'plant-jobs\thow many jobs will the factory create',
  '"Department of Labor praised the plan"\tSomething about hats and scarves',
  'none\twhat is the weather in Paris',
  'none\twhere will the plant open',
  'chat\they',
  'off-topic\twhat is 2+2',
  '# a comment',
  '',
].join('\n');

describe('parsing labelled questions', () => {
  it('resolves quotes to sentences and keeps intent ids, none, off-topic and chat, skipping comments and blanks', () => {
    const items = parseLabelled(tsv, engine);
    expect(items).toHaveLength(8);
    expect(items[1]?.expected).toEqual({ kind: 'article', sentences: [2], intents: [], label: '"Talks began in May"' });
    expect(items[2]?.expected).toMatchObject({ kind: 'article', sentences: [], intents: ['plant-jobs'] });
    expect(items[4]?.expected.kind).toBe('none');
    expect(items[7]?.expected.kind).toBe('off-topic');
  });

  it('reads several quotes, one per sentence', () => {
    const [item] = parseLabelled('"will employ 300 people" | "Talks began in May"\thow is it going', engine);
    expect(item?.expected).toMatchObject({ sentences: [2, 3] });
  });

  it('names the file and line of a malformed row, a quote found nowhere or twice, and an unknown label', () => {
    expect(() => parseLabelled('none\tok\nbroken row', engine, 'q.tsv')).toThrow('q.tsv:2: expected EXPECTED<TAB>QUESTION');
    expect(() => parseLabelled('"opens in winter"\tq', engine, 'q.tsv')).toThrow('q.tsv:1: quote "opens in winter" is in no sentence');
    expect(() => parseLabelled('"Alpha Corp"\tq', engine, 'q.tsv')).toThrow(/q\.tsv:1: quote "Alpha Corp" is in 2 sentences \(1, 2\)/);
    expect(() => parseLabelled('3\tq', engine, 'q.tsv')).toThrow('q.tsv:1: bad label "3"');
  });
});

describe('evaluating the fixture', () => {
  const report = evaluate(engine, parseLabelled(tsv, engine));

  it('counts in-scope accuracy, abstention and wrong answers', () => {
    expect(report.metrics).toMatchObject({ total: 8, answerable: 4, unanswerable: 2, chat: 1, offTopic: 1, ungrounded: 0 });
    // Three answerable questions answered right, the nonsense one abstained.
    expect(report.metrics.inScopeTop1).toBeCloseTo(3 / 4);
    // A deliberately mislabelled 'none' that the bot answers counts as a wrong answer.
    expect(report.metrics.abstention).toBeCloseTo(1 / 2);
    expect(report.metrics.wrong).toBe(1);
    expect(report.metrics.wrongAmongAnswered).toBeCloseTo(1 / report.metrics.answered);
    expect(report.metrics.chatAccuracy).toBe(1);
    expect(report.metrics.offTopicAnswered).toBe(0);
  });

  it('lists the confused pair, per-intent precision keyed by intent and a threshold sweep', () => {
    expect(report.confusedPairs[0]).toMatchObject({ expected: 'none', count: 1 });
    expect(report.perIntent.find((p) => p.intent === 'plant-location')).toMatchObject({ answered: 2, correct: 1, precision: 0.5 });
    expect(report.perIntent.find((p) => p.intent === 'greeting')).toMatchObject({ answered: 1, precision: 1 });
    expect(report.sweep.length).toBeGreaterThan(5);
    const strictest = report.sweep[report.sweep.length - 1];
    expect(strictest?.metrics.answered).toBeLessThanOrEqual(report.metrics.answered);
  });

  it('fills the confusion heatmap and runs leave-one-out', () => {
    expect(report.confusion.counts.flat().reduce((a, b) => a + b, 0)).toBe(8);
    expect(report.leaveOneOut.questions).toBe(33);
    expect(report.leaveOneOut.top1Intent).toBeGreaterThan(0.5);
  });
});
