import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinArticle, loadArticle, splitArticle } from '../../src/core/knowledge.js';
import { ContentError } from '../../src/errors.js';

const root = join(import.meta.dirname, '..', '..');
const articleText = readFileSync(join(root, 'knowledge', 'article.txt'), 'utf8');

describe('the article in knowledge/', () => {
  it('is byte for byte the shared article', () => {
    const shared = join(root, '..', 'shared', 'article', 'article.txt');
    let sharedText: string | undefined;
    try {
      sharedText = readFileSync(shared, 'utf8');
    } catch {
      // The shared folder sits beside the checkout on project machines; a lone clone has only knowledge/.
    }
    if (sharedText !== undefined) expect(articleText).toBe(sharedText);
  });

  it('splits into exactly 15 sentences numbered in order, across 4 paragraphs', () => {
    const { sentences, paragraphs } = splitArticle(articleText);
    expect(sentences).toHaveLength(15);
    expect(sentences.map((s) => s.number)).toEqual([...Array(15).keys()].map((i) => i + 1));
    expect(paragraphs.map((p) => p.sentences.length)).toEqual([4, 3, 4, 4]);
    expect(sentences.map((s) => s.paragraph)).toEqual([1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
  });

  it('keeps every sentence verbatim: curly apostrophes, "U.S." and the em dash', () => {
    const { sentences } = splitArticle(articleText);
    for (const s of sentences) expect(articleText).toContain(s.text);
    expect(sentences[1]?.text).toContain('Combined Joint Task Force — Operation Inherent Resolve.');
    expect(sentences[4]?.text).toContain('the U.S.’ relationship with Iraq.');
    expect(sentences[0]?.text.startsWith('The United States is set to announce')).toBe(true);
    expect(sentences[14]?.text.endsWith('support for Iraq’s security capabilities.')).toBe(true);
  });

  it('gives back the article when the sentences are joined', () => {
    const { paragraphs } = splitArticle(articleText);
    expect(joinArticle(paragraphs)).toBe(articleText);
  });
});

describe('splitting sentences around abbreviations', () => {
  it('does not end a sentence at "U.S." followed by a capital', () => {
    const { sentences } = splitArticle('Talks with the U.S. Army began. They go on.');
    expect(sentences.map((s) => s.text)).toEqual(['Talks with the U.S. Army began.', 'They go on.']);
  });

  it('ends a sentence after a closing quote', () => {
    const { sentences } = splitArticle('He said “no.” Then he left.');
    expect(sentences.map((s) => s.text)).toEqual(['He said “no.”', 'Then he left.']);
  });
});

describe('loading knowledge with problems', () => {
  const make = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'knowledge-'));
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    return dir;
  };

  it('names the metadata field that is missing', () => {
    const dir = make({ 'metadata.yaml': 'article: a.txt\n', 'a.txt': 'One. Two.' });
    expect(() => loadArticle({ dir })).toThrow(/metadata\.yaml: title: must be a non-empty string/);
  });

  it('names the article file it cannot read', () => {
    const dir = make({ 'metadata.yaml': 'title: T\narticle: missing.txt\n' });
    expect(() => loadArticle({ dir })).toThrow(ContentError);
    expect(() => loadArticle({ dir })).toThrow(/missing\.txt: cannot read article/);
  });

  it('refuses an empty article', () => {
    const dir = make({ 'metadata.yaml': 'title: T\narticle: a.txt\n', 'a.txt': '\n' });
    expect(() => loadArticle({ dir })).toThrow(/the article has no sentences/);
  });
});
