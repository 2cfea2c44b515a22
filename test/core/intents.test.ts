import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPaths, loadContent } from '../../src/core/content.js';
import { loadEngine } from '../../src/core/engine.js';
import { addedFacts, coverage } from '../../src/core/intents.js';
import { Normalizer } from '../../src/core/matching/query.js';
import { ContentError, formatContentProblem } from '../../src/errors.js';
import { fixtureRoot, fixtureWith } from '../support/content-fixture.js';

const problemsOf = (root: string): string[] => loadContent(defaultPaths(root), root).errors.map(formatContentProblem);

describe('a valid content tree', () => {
  it('loads with no errors and resolves every source to its sentence', () => {
    const content = loadContent(defaultPaths(fixtureRoot), fixtureRoot);
    expect(content.errors).toEqual([]);
    const byId = new Map(content.intents.map((i) => [i.id, i]));
    expect(byId.get('plant-jobs')?.sentence?.number).toBe(3);
    expect(byId.get('talks-start')?.sentence).toMatchObject({ number: 2, paragraph: 1 });
    expect(byId.get('greeting')?.sentence).toBeUndefined();
  });

  it('warns, without failing, about intents with few example questions', () => {
    const { warnings } = loadContent(defaultPaths(fixtureRoot), fixtureRoot);
    expect(warnings.map(formatContentProblem)).toContain(
      'intents/intents.yaml:4:7: [plant-location] questions: has 5 questions; at least 10 varied ones are recommended',
    );
  });

  it('reports which intents ground each sentence, with gaps empty', () => {
    const { article, intents } = loadContent(defaultPaths(fixtureRoot), fixtureRoot);
    expect(Object.fromEntries(coverage(article, intents))).toEqual({
      1: ['plant-location'],
      2: ['talks-start', 'details-open'],
      3: ['plant-jobs'],
      4: ['labor-reaction'],
    });
  });
});

describe('intents with mistakes', () => {
  it('points at a YAML syntax error with file, line and column', () => {
    const root = fixtureWith((y) => y.replace('    answer: "Alpha Corp will open the plant in Springfield."', '    answer: "unclosed'));
    expect(problemsOf(root)[0]).toMatch(/^intents\/intents\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('names the intent and field of a schema error', () => {
    const root = fixtureWith((y) => y.replace('  - id: plant-jobs\n    questions:', '  - id: plant-jobs\n    questions: []\n    unused:'));
    expect(problemsOf(root)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^intents\/intents\.yaml:\d+:\d+: \[plant-jobs\] questions: needs at least one question$/)]),
    );
  });

  it('rejects an unknown field, naming it', () => {
    const root = fixtureWith((y) => y.replace('    related: [plant-jobs]', '    related: [plant-jobs]\n    qestions: [typo]'));
    expect(problemsOf(root)).toEqual([
      'intents/intents.yaml:12:5: [plant-location] qestions: unknown field (allowed: id, questions, answer, source, related, keywords, chat, unanswerable)',
    ]);
  });

  it('rejects an id that is not kebab-case', () => {
    const root = fixtureWith((y) => y.replace('id: plant-jobs', 'id: Plant_Jobs').replace('related: [plant-jobs]', 'related: []'));
    expect(problemsOf(root)).toEqual([expect.stringMatching(/\[Plant_Jobs\] id: must be kebab-case/)]);
  });

  it('says when a source quote is not in the article, with a hint for quote characters', () => {
    const root = fixtureWith((y) => y.replace('source: "details are still open"', 'source: "details are still closed"'));
    expect(problemsOf(root)).toEqual(['intents/intents.yaml:29:13: [details-open] source: "details are still closed" is not found verbatim in the article']);
  });

  it('names every intent whose source is no longer in the article when the article changes', () => {
    const root = fixtureWith((y) => y);
    const file = join(root, 'knowledge', 'article.txt');
    writeFileSync(file, readFileSync(file, 'utf8').replace('The plant will employ 300 people.', 'The plant will employ 250 people.'));
    expect(problemsOf(root)).toEqual([
      expect.stringMatching(
        /^intents\/intents\.yaml:\d+:\d+: \[plant-jobs\] source: "The plant will employ 300 people\." is not found verbatim in the article/,
      ),
    ]);
  });

  it('says when a source quote is in more than one sentence', () => {
    const root = fixtureWith((y) => y.replace('source: "The plant will employ 300 people."', 'source: "plan"'));
    expect(problemsOf(root)).toEqual([expect.stringMatching(/\[plant-jobs\] source: "plan" is found in more than one sentence \(1, 3, 4\)/)]);
  });

  it('reports duplicate ids with the first definition', () => {
    const root = fixtureWith((y) => y.replace('id: labor-reaction', 'id: plant-jobs'));
    expect(problemsOf(root)).toEqual([expect.stringMatching(/^intents\/intents\.yaml:\d+:\d+: \[plant-jobs\] id: duplicate id \(first defined at line 30\)$/)]);
  });

  it('reports the same question under two intents', () => {
    const root = fixtureWith((y) => y.replace('      - plant jobs', '      - Where will the plant open?'));
    expect(problemsOf(root)).toEqual([
      'intents/intents.yaml:36:9: [plant-jobs] questions[4]: "Where will the plant open?" is also a question of intent "plant-location"',
    ]);
  });

  it('flags an answer that adds a number or a name its sentence lacks', () => {
    const root = fixtureWith((y) => y.replace('answer: "The plant will employ 300 people."', 'answer: "The plant will employ 350 people, says Mayor Quimby."'));
    expect(problemsOf(root)).toEqual(['intents/intents.yaml:37:13: [plant-jobs] answer: answer adds a fact: "350", "Mayor", "Quimby" not in sentence 3']);
  });

  it('rejects a related id that does not exist', () => {
    const root = fixtureWith((y) => y.replace('related: [plant-location]', 'related: [plant-size]'));
    expect(problemsOf(root)).toEqual(['intents/intents.yaml:39:15: [plant-jobs] related[0]: no intent has the id "plant-size"']);
  });

  it('requires a source for article intents and forbids one for small talk', () => {
    const root = fixtureWith((y) =>
      y
        .replace('    source: "Talks began in May between Alpha Corp and the city"\n', '')
        .replace('    answer: "Hi! Ask me about the plant."', '    answer: "Hi!"\n    source: "plan"'),
    );
    expect(problemsOf(root)).toEqual([
      expect.stringMatching(/\[talks-start\] source: is required/),
      expect.stringMatching(/\[greeting\] source: small-talk intents \(chat: true\) must not have a source/),
    ]);
  });

  it('makes the engine refuse to start, naming every problem', () => {
    const root = fixtureWith((y) => y.replace('id: labor-reaction', 'id: plant-jobs'));
    expect(() => loadEngine({ root })).toThrow(ContentError);
    expect(() => loadEngine({ root })).toThrow(/\[plant-jobs\] id: duplicate id/);
  });
});

describe('alias and threshold files with mistakes', () => {
  it('reports a variant listed under two canonical forms', () => {
    const root = fixtureWith((y) => y);
    const { writeFileSync } = require('node:fs') as typeof import('node:fs');
    writeFileSync(join(root, 'intents', 'aliases.yaml'), 'aliases:\n  us: [america]\n  usa: [america]\n');
    expect(problemsOf(root)).toEqual([expect.stringMatching(/aliases\.yaml:3:3: aliases\.usa: "america" is also an alias of "us"/)]);
  });

  it('reports thresholds out of range', () => {
    const root = fixtureWith((y) => y);
    const { writeFileSync } = require('node:fs') as typeof import('node:fs');
    writeFileSync(join(root, 'intents', 'thresholds.yaml'), 'answer: 0.5\nmargin: 0.05\nclarify: 0.7\nsuggestions: 3\n');
    expect(problemsOf(root)).toEqual([expect.stringMatching(/thresholds\.yaml: clarify: clarify must not be above answer/)]);
  });
});

describe('the "answer adds a fact" check', () => {
  const n = new Normalizer({ us: ['united states', 'u.s.', 'america'] });
  const sentence = 'The U.S. remains committed to defeating ISIS after 10 years.';

  it('accepts names written another way through the alias table', () => {
    expect(addedFacts('The United States remains committed to defeating ISIS.', sentence, n)).toEqual([]);
    expect(addedFacts('America is committed, after ten years.', sentence, n)).toEqual([]);
  });

  it('catches numbers, months and names that are not in the sentence', () => {
    expect(addedFacts('Since April 2014, the U.S. and NATO fight ISIS.', sentence, n)).toEqual(['April', '2014', 'NATO']);
  });
});

describe('the real intents', () => {
  it('are valid and ground every one of the 15 sentences', () => {
    const root = join(import.meta.dirname, '..', '..');
    const content = loadContent(defaultPaths(root), root);
    expect(content.errors.map(formatContentProblem)).toEqual([]);
    const gaps = [...coverage(content.article, content.intents)].filter(([, ids]) => ids.length === 0);
    expect(gaps).toEqual([]);
  });
});

describe('intents spread over several files', () => {
  it('reads unanswerable intents beside the article intents, with ids unique across files', () => {
    const content = loadContent(defaultPaths(fixtureRoot), fixtureRoot);
    const officials = content.intents.find((i) => i.id === 'city-officials');
    expect(officials).toMatchObject({ unanswerable: true, chat: false });
    expect(officials?.sentence).toBeUndefined();
    const root = fixtureWith((y) => y.replace('id: labor-reaction', 'id: city-officials'));
    expect(problemsOf(root)).toEqual([
      expect.stringMatching(/^intents\/unanswerable\.yaml:2:9: \[city-officials\] id: duplicate id \(first defined at intents\.yaml:40\)$/),
    ]);
  });
});
