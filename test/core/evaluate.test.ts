import { describe, expect, it } from 'vitest';
import { evaluate, parseLabelled } from '../../src/core/evaluate.js';
import { fixtureEngine } from '../support/content-fixture.js';

const tsv = [
  '1\tWhere will the new plant open?',
  '2\twhen did the negotiatons begin',
  '3\thow many jobs will the factory create',
  '4\tSomething about hats and scarves',
  'none\twhat is the weather in Paris',
  'none\twhere will the plant open',
  'chat\they',
  '# a comment',
  '',
].join('\n');

describe('parsing labelled questions', () => {
  it('reads sentence numbers, none and chat, skipping comments and blanks', () => {
    const items = parseLabelled(tsv);
    expect(items).toHaveLength(7);
    expect(items[1]).toEqual({ expected: [2], question: 'when did the negotiatons begin', line: 2 });
    expect(items[4]?.expected).toBe('none');
  });

  it('names the line of a malformed row', () => {
    expect(() => parseLabelled('1\tok\nbroken row', 'q.tsv')).toThrow('q.tsv:2: expected EXPECTED<TAB>QUESTION');
    expect(() => parseLabelled('x\tq', 'q.tsv')).toThrow('q.tsv:1: bad label "x"');
  });
});

describe('evaluating the fixture', () => {
  const report = evaluate(fixtureEngine(), parseLabelled(tsv));

  it('counts in-scope accuracy, abstention and wrong answers', () => {
    expect(report.metrics).toMatchObject({ total: 7, answerable: 4, unanswerable: 2, chat: 1, ungrounded: 0 });
    // Three answerable questions answered right, the nonsense one abstained.
    expect(report.metrics.inScopeTop1).toBeCloseTo(3 / 4);
    // A deliberately mislabelled 'none' that the bot answers counts as a wrong answer.
    expect(report.metrics.abstention).toBeCloseTo(1 / 2);
    expect(report.metrics.wrong).toBe(1);
    expect(report.metrics.wrongAmongAnswered).toBeCloseTo(1 / report.metrics.answered);
    expect(report.metrics.chatAccuracy).toBe(1);
  });

  it('lists the confused pair, per-intent precision and a threshold sweep', () => {
    expect(report.confusedPairs[0]).toMatchObject({ expected: 'none', count: 1 });
    const location = report.perIntent.find((p) => p.label === 'plant-location');
    expect(location).toMatchObject({ predicted: 2, precision: 0.5 });
    expect(report.sweep.length).toBeGreaterThan(5);
    const strictest = report.sweep[report.sweep.length - 1];
    expect(strictest?.metrics.answered).toBeLessThanOrEqual(report.metrics.answered);
  });

  it('fills the confusion heatmap and runs leave-one-out', () => {
    expect(report.confusion.counts.flat().reduce((a, b) => a + b, 0)).toBe(7);
    expect(report.leaveOneOut.questions).toBe(33);
    expect(report.leaveOneOut.top1Intent).toBeGreaterThan(0.5);
  });
});
