import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';
import { loadEngine } from '../../src/core/engine.js';
import { evaluate, parseLabelled } from '../../src/core/evaluate.js';

/**
 * Quality as a tested contract. Floors sit just under the figures measured when they were set, on
 * sets no content author works from. They rise as quality rises; a floor is lowered only with a
 * note here saying why (and the README's figures say what was measured).
 */
const FLOORS = {
  // test/eval/holdout.tsv, never used for a choice. Set in session 3 at 96.7% / 100% / 0.8% / LOO 85.8%.
  holdout: { inScopeTop1: 0.955, abstention: 0.98, wrongAmongAnswered: 0.015, chatAccuracy: 1 },
  // The intents' own example questions, each ranked with itself left out: the right intent first.
  leaveOneOutTop1: 0.85,
  // test/eval/off-topic/dev.tsv: never an article answer; "I can only answer…" on most.
  offTopic: { answered: 0, declined: 0.75 },
};

const engine = loadEngine({ root: projectRoot });
const load = (file: string) => parseLabelled(readFileSync(join(projectRoot, 'test', 'eval', file), 'utf8'), engine, file);

describe('answer quality on the holdout set', () => {
  const report = evaluate(engine, load('holdout.tsv'));
  const m = report.metrics;

  it('stays at or above its floors', () => {
    expect(m.inScopeTop1).toBeGreaterThanOrEqual(FLOORS.holdout.inScopeTop1);
    expect(m.abstention).toBeGreaterThanOrEqual(FLOORS.holdout.abstention);
    expect(m.wrongAmongAnswered).toBeLessThanOrEqual(FLOORS.holdout.wrongAmongAnswered);
    expect(m.chatAccuracy).toBeGreaterThanOrEqual(FLOORS.holdout.chatAccuracy);
  });

  it('never gives an answer whose quote is not verbatim in the article', () => {
    expect(m.ungrounded).toBe(0);
  });

  it('ranks the intents own example questions first, each left out of the index', () => {
    expect(report.leaveOneOut.top1Intent).toBeGreaterThanOrEqual(FLOORS.leaveOneOutTop1);
  });
});

describe('off-topic and opinion questions', () => {
  const m = evaluate(engine, load('off-topic/dev.tsv'), engine.tuning, { leaveOneOut: false }).metrics;

  it('never get an article answer, and mostly get "I can only answer what this article says"', () => {
    expect(m.offTopicAnswered).toBe(FLOORS.offTopic.answered);
    expect(m.offTopicDeclined / m.offTopic).toBeGreaterThanOrEqual(FLOORS.offTopic.declined);
  });
});
