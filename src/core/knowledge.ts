import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { ContentError } from '../errors.js';
import type { Article, Paragraph, Sentence } from './types.js';

// Abbreviations whose final period does not end a sentence ("the U.S. and Iraq").
const ABBREVIATIONS = new Set([
  'u.s.',
  'u.k.',
  'u.n.',
  'mr.',
  'mrs.',
  'ms.',
  'dr.',
  'gen.',
  'lt.',
  'col.',
  'sen.',
  'rep.',
  'st.',
  'jr.',
  'no.',
  'vs.',
  'e.g.',
  'i.e.',
]);

// A boundary: end punctuation (optionally a closing quote), spaces, then a capital or an opening quote.
const BOUNDARY = /([.!?][”"’')\]]?)(\s+)(?=[A-Z“"‘'(\d])/g;

/** A sentence with where it stands in its paragraph's text. */
interface Span {
  start: number;
  end: number;
}

function splitParagraph(paragraph: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  for (const match of paragraph.matchAll(BOUNDARY)) {
    const end = (match.index ?? 0) + (match[1]?.length ?? 0);
    const lastWord = paragraph.slice(start, end).split(/\s+/).pop()?.toLowerCase() ?? '';
    if (ABBREVIATIONS.has(lastWord)) continue;
    spans.push({ start, end });
    start = end + (match[2]?.length ?? 0);
  }
  if (start < paragraph.length) spans.push({ start, end: paragraph.length });
  return spans;
}

/**
 * Split article text into paragraphs (non-empty lines) and sentences, each
 * verbatim: no character is changed, only located.
 */
export function splitArticle(text: string): { sentences: Sentence[]; paragraphs: Paragraph[] } {
  const sentences: Sentence[] = [];
  const paragraphs: Paragraph[] = [];
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  lines.forEach((line, i) => {
    const paragraphNumber = i + 1;
    const own = splitParagraph(line).map((span, j) => ({
      number: sentences.length + j + 1,
      paragraph: paragraphNumber,
      text: line.slice(span.start, span.end).trim(),
    }));
    sentences.push(...own);
    paragraphs.push({ number: paragraphNumber, sentences: own });
  });
  return { sentences, paragraphs };
}

/** The paragraph texts rebuilt from sentences; used to prove the split loses nothing. */
export function joinArticle(paragraphs: readonly Paragraph[]): string {
  return paragraphs.map((p) => p.sentences.map((s) => s.text).join(' ')).join('\n');
}

export interface KnowledgeFiles {
  dir: string;
  metadataFile?: string;
}

/** Load `knowledge/metadata.yaml` and the article it names. */
export function loadArticle({ dir, metadataFile = 'metadata.yaml' }: KnowledgeFiles): Article {
  const metaPath = join(dir, metadataFile);
  let meta: unknown;
  try {
    meta = load(readFileSync(metaPath, 'utf8'), { schema: CORE_SCHEMA });
  } catch (err) {
    throw new ContentError([{ file: metaPath, message: `cannot read metadata: ${(err as Error).message}` }]);
  }
  const { title, article } = (meta ?? {}) as { title?: unknown; article?: unknown };
  const problems = [];
  if (typeof title !== 'string' || title.trim() === '') problems.push({ file: metaPath, field: 'title', message: 'must be a non-empty string' });
  if (typeof article !== 'string' || article.trim() === '') problems.push({ file: metaPath, field: 'article', message: 'must name the article file' });
  if (problems.length > 0) throw new ContentError(problems);

  const articlePath = join(dir, article as string);
  let text: string;
  try {
    text = readFileSync(articlePath, 'utf8');
  } catch (err) {
    throw new ContentError([{ file: articlePath, message: `cannot read article: ${(err as Error).message}` }]);
  }
  const { sentences, paragraphs } = splitArticle(text);
  if (sentences.length === 0) throw new ContentError([{ file: articlePath, message: 'the article has no sentences' }]);
  return { title: (title as string).trim(), text, sentences, paragraphs };
}
