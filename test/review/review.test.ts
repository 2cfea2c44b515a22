import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContent, defaultPaths } from '../../src/core/content.js';
import { acceptGroup, addExamples } from '../../src/review/accept.js';
import { groupQuestions, type ReviewGroup, type ReviewItem } from '../../src/review/group.js';
import { buildReview } from '../../src/review/review.js';
import { openStore } from '../../src/store/store.js';
import { fixtureRoot, fixtureWith } from '../support/content-fixture.js';
import { questionRow } from '../store/helpers.js';

const content = loadContent(defaultPaths(fixtureRoot), fixtureRoot);
const tokenize = (text: string) => content.normalizer.tokens(text);
const item = (question: string, at = '2026-06-01T10:00:00.000Z', candidates = [{ intent: 'plant-jobs', score: 0.5 }]): ReviewItem => ({
  question,
  at,
  channel: 'web',
  candidates,
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('grouping near-duplicate questions', () => {
  it('puts wordings that differ in case, punctuation and small words together, with counts and first/last seen', () => {
    const groups = groupQuestions(
      [
        item('How much will the plant cost?', '2026-06-02T00:00:00.000Z'),
        item('how much will the plant cost', '2026-06-01T00:00:00.000Z'),
        item('HOW MUCH WILL THE PLANT COST??', '2026-06-03T00:00:00.000Z'),
        item('how much does the plant cost', '2026-06-04T00:00:00.000Z', [{ intent: 'plant-location', score: 0.3 }]),
        item('who is the mayor'),
      ],
      tokenize,
      { section: 'u-' },
    );
    expect(groups).toHaveLength(2);
    const [cost, mayor] = groups as [ReviewGroup, ReviewGroup];
    expect(cost).toMatchObject({ count: 4, firstSeen: '2026-06-01T00:00:00.000Z', lastSeen: '2026-06-04T00:00:00.000Z', channels: ['web'] });
    expect(cost.questions).toHaveLength(4);
    expect(cost.id).toMatch(/^u-[0-9a-f]{6}$/);
    // Nearest intents: mean score over the group's questions, a missing candidate counting 0.
    expect(cost.nearest).toEqual([
      { intent: 'plant-jobs', score: 0.375 },
      { intent: 'plant-location', score: 0.075 },
    ]);
    expect(mayor).toMatchObject({ count: 1, question: 'who is the mayor' });
  });

  it('keeps different questions on the same topic apart', () => {
    const groups = groupQuestions([item('how much will the plant cost'), item('when will the plant open'), item('who will work at the plant')], tokenize);
    expect(groups).toHaveLength(3);
  });

  it('groups 100,000 questions quickly', () => {
    const topics = ['cost of the plant', 'mayor of springfield', 'weather in springfield', 'alpha corp profits', 'union at the plant'];
    const many = Array.from({ length: 100_000 }, (_, i) =>
      item(`${['what is the', 'tell me the', 'whats the'][i % 3]} ${topics[i % 5]} ${i % 7 === 0 ? 'please' : ''} ${i % 1000}`),
    );
    const started = performance.now();
    const groups = groupQuestions(many, tokenize);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(100_000);
  });
});

describe('the review of a store', () => {
  it('returns unanswered, unsure and disliked groups, filtered by time and channel; text-less rows are counted', async () => {
    const root = fixtureWith((y) => y);
    dirs.push(root);
    const store = await openStore({ url: 'sqlite:review.sqlite', root });
    await store.insertQuestions([
      questionRow({ question: 'how much will the plant cost', kind: 'no-match', asked_at: '2026-06-01T00:00:00.000Z' }),
      questionRow({ question: 'How much will the plant cost?', kind: 'no-match', asked_at: '2026-06-05T00:00:00.000Z', channel: 'slack' }),
      questionRow({ question: 'plant?', kind: 'clarify', asked_at: '2026-06-05T00:00:00.000Z' }),
      questionRow({ question: null, kind: 'no-match', asked_at: '2026-06-05T00:00:00.000Z' }),
      questionRow({ question: 'When did the talks begin?', kind: 'answer', intent: 'talks-start' }),
    ]);
    await store.upsertFeedback([
      {
        id: 'v',
        voted_at: '2026-06-05T00:00:00.000Z',
        channel: 'web',
        vote: 'down',
        question_id: null,
        question: 'where is the plant',
        intent: 'plant-location',
        user_hash: null,
        conversation_hash: null,
        content_version: null,
      },
    ]);
    const all = await buildReview(store, tokenize);
    expect(all.unanswered).toEqual([expect.objectContaining({ count: 2, channels: ['slack', 'web'] })]);
    expect(all.unsure).toEqual([expect.objectContaining({ question: 'plant?', count: 1 })]);
    expect(all.disliked).toEqual([expect.objectContaining({ question: 'where is the plant', answeredBy: [{ intent: 'plant-location', count: 1 }] })]);
    expect(all.redacted).toBe(1);
    expect(all.totals).toEqual({ 'no-match': 3, clarify: 1, answer: 1 });
    const recent = await buildReview(store, tokenize, { since: '2026-06-02T00:00:00.000Z', channel: 'slack' });
    expect(recent.unanswered).toEqual([expect.objectContaining({ count: 1, question: 'How much will the plant cost?' })]);
    expect(recent.unsure).toEqual([]);
    await store.close();
  });
});

const group = (questions: string[]): ReviewGroup => ({
  id: 'u-test00',
  question: questions[0] as string,
  questions,
  count: questions.length,
  firstSeen: '',
  lastSeen: '',
  channels: ['web'],
  nearest: [],
});

describe('--accept GROUP --intent ID', () => {
  it('adds the questions to the intent in place, keeping every comment and the layout, then validates and evaluates', () => {
    const root = fixtureWith(
      (y) => `# Fixture intents: a comment that must survive.\n${y.replace('  - id: talks-start\n', '  # the talks\n  - id: talks-start\n')}`,
    );
    dirs.push(root);
    const file = join(root, 'intents', 'intents.yaml');
    const before = readFileSync(file, 'utf8');
    const result = acceptGroup({
      root,
      group: group(['what month did the talking start', 'When did the talks begin?']),
      intent: 'talks-start',
      unanswerable: false,
      force: false,
      evaluate: false,
    });
    expect(result).toMatchObject({ accepted: true, file: 'intents/intents.yaml', added: ['what month did the talking start'], nowMatching: 1 });
    const after = readFileSync(file, 'utf8');
    expect(after).toBe(
      before.replace(
        '      - since when have they been in discussions\n',
        '      - since when have they been in discussions\n      - what month did the talking start\n',
      ),
    );
    expect(loadContent(defaultPaths(root), root).errors).toEqual([]);
  });

  it('refuses, writing nothing, when the questions already match another intent better, unless --force', () => {
    const root = fixtureWith((y) => y);
    dirs.push(root);
    const file = join(root, 'intents', 'intents.yaml');
    const before = readFileSync(file, 'utf8');
    const stealing = group(['where will the new plant be opened']);
    const refused = acceptGroup({ root, group: stealing, intent: 'talks-start', unanswerable: false, force: false, evaluate: false });
    expect(refused.accepted).toBe(false);
    expect(refused.conflicts).toEqual([expect.objectContaining({ intent: 'plant-location' })]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const forced = acceptGroup({ root, group: stealing, intent: 'talks-start', unanswerable: false, force: true, evaluate: false });
    expect(forced.accepted).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toBe(before);
  });

  it('refuses, writing nothing, when the edited content fails validation (even with --force)', () => {
    const root = fixtureWith((y) => y);
    dirs.push(root);
    const file = join(root, 'intents', 'intents.yaml');
    const before = readFileSync(file, 'utf8');
    // The same question as plant-location's, but for punctuation: the validator's own folding catches it.
    const result = acceptGroup({
      root,
      group: group(['Where  will the plant open!!']),
      intent: 'talks-start',
      unanswerable: false,
      force: true,
      evaluate: false,
    });
    expect(result.accepted).toBe(false);
    expect(result.reasons.join('\n')).toMatch(
      /fails validation[\s\S]*intents\/intents\.yaml:\d+:\d+: \[talks-start\] questions\[\d+\]: .* is also a question of intent "plant-location"/,
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('--unanswerable ID adds to an unanswerable intent, and each flag refuses the other kind', () => {
    const root = fixtureWith((y) => y);
    dirs.push(root);
    const ok = acceptGroup({
      root,
      group: group(['what is the name of the springfield mayor']),
      intent: 'city-officials',
      unanswerable: true,
      force: false,
      evaluate: false,
    });
    expect(ok).toMatchObject({ accepted: true, file: 'intents/unanswerable.yaml' });
    expect(acceptGroup({ root, group: group(['x y z']), intent: 'city-officials', unanswerable: false, force: false, evaluate: false }).reasons[0]).toMatch(
      /use --unanswerable/,
    );
    expect(acceptGroup({ root, group: group(['x y z']), intent: 'talks-start', unanswerable: true, force: false, evaluate: false }).reasons[0]).toMatch(
      /use --intent/,
    );
    expect(acceptGroup({ root, group: group(['x y z']), intent: 'no-such-intent', unanswerable: false, force: false, evaluate: false }).reasons[0]).toMatch(
      /no intent "no-such-intent"/,
    );
  });

  it("runs the evaluation on the project's labelled sets before and after", () => {
    const root = fixtureWith((y) => y);
    dirs.push(root);
    mkdirSync(join(root, 'test', 'eval'), { recursive: true });
    writeFileSync(join(root, 'test', 'eval', 'questions.tsv'), 'plant-jobs\thow many people will get jobs at the plant\nnone\twho is the mayor\n');
    const result = acceptGroup({ root, group: group(['how many people will get jobs at the plant']), intent: 'plant-jobs', unanswerable: false, force: true });
    expect(result.accepted).toBe(true);
    expect(result.before).toMatchObject({ questions: 2, abstention: expect.any(Number) });
    expect(result.after).toMatchObject({ questions: 2 });
  });

  it('addExamples keeps flow lists, quotes and blank lines exactly', () => {
    const yaml = 'intents:\n\n  # first\n  - id: a\n    questions:\n      - "quoted: one"\n    related: [b, c]\n';
    expect(addExamples(yaml, 'a', ['new: with colon', 'plain'])).toBe(
      'intents:\n\n  # first\n  - id: a\n    questions:\n      - "quoted: one"\n      - "new: with colon"\n      - plain\n    related: [b, c]\n',
    );
  });
});
