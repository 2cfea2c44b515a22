import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { ContentError, type ContentProblem } from '../errors.js';
import { loadIntents, loadAliases } from './intents.js';
import { loadArticle } from './knowledge.js';
import { Normalizer, type AliasTable } from './matching/query.js';
import { DEFAULT_TUNING, type Tuning, TuningOverridesSchema, tune } from './matching/tuning.js';
import type { Article, Intent } from './types.js';

export interface ContentPaths {
  knowledgeDir: string;
  /** Intent files, read in order; ids and questions are unique across all of them. */
  intentsFiles: readonly string[];
  aliasesFile: string;
  thresholdsFile: string;
}

export function defaultPaths(root: string): ContentPaths {
  return {
    knowledgeDir: join(root, 'knowledge'),
    intentsFiles: ['intents.yaml', 'unanswerable.yaml'].map((f) => join(root, 'intents', f)).filter((f, i) => i === 0 || existsSync(f)),
    aliasesFile: join(root, 'intents', 'aliases.yaml'),
    thresholdsFile: join(root, 'intents', 'thresholds.yaml'),
  };
}

export interface Content {
  /** A short hash of every content file: which content a reply or a log line came from. */
  version: string;
  article: Article;
  aliases: AliasTable;
  normalizer: Normalizer;
  intents: Intent[];
  tuning: Tuning;
  errors: ContentProblem[];
  warnings: ContentProblem[];
}

/** `intents/thresholds.yaml`: overrides of the matching tuning (src/core/matching/tuning.ts), validated. */
export function loadTuning(file: string): { tuning?: Tuning; problems: ContentProblem[] } {
  try {
    const parsed = TuningOverridesSchema.safeParse(load(readFileSync(file, 'utf8'), { schema: CORE_SCHEMA }) ?? {});
    if (!parsed.success) return { problems: parsed.error.issues.map((i) => ({ file, field: i.path.join('.') || undefined, message: i.message })) };
    return { tuning: tune(parsed.data), problems: [] };
  } catch (err) {
    const field = err instanceof RangeError ? 'clarify' : undefined;
    return { problems: [{ file, ...(field ? { field } : {}), message: (err as Error).message.split('\n')[0] ?? 'cannot read thresholds' }] };
  }
}

/** sha256 over every content file's name and bytes, in a fixed order; the first 12 hex digits. */
export function contentVersion(paths: ContentPaths): string {
  const hash = createHash('sha256');
  const knowledge = existsSync(paths.knowledgeDir)
    ? readdirSync(paths.knowledgeDir)
        .sort()
        .map((f) => join(paths.knowledgeDir, f))
    : [];
  for (const file of [...knowledge, ...paths.intentsFiles, paths.aliasesFile, paths.thresholdsFile]) {
    hash.update(`${file.slice(file.lastIndexOf('/') + 1)}\0`);
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update('missing');
    }
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * Load and validate all content. Problems are collected, not thrown, so the
 * validator can report everything at once; `loadContentOrThrow` is for startup.
 */
export function loadContent(paths: ContentPaths, root?: string): Content {
  const article = loadArticle({ dir: paths.knowledgeDir });
  const { aliases, problems: aliasProblems } = loadAliases(paths.aliasesFile);
  const normalizer = new Normalizer(aliases);
  const { intents, errors, warnings } = loadIntents(paths.intentsFiles, article, normalizer);
  const { tuning, problems: thresholdProblems } = loadTuning(paths.thresholdsFile);
  const rel = (p: ContentProblem): ContentProblem => (root ? { ...p, file: relative(root, p.file) || p.file } : p);
  return {
    version: contentVersion(paths),
    article,
    aliases,
    normalizer,
    intents,
    tuning: tuning ?? DEFAULT_TUNING,
    errors: [...aliasProblems, ...errors, ...thresholdProblems].map(rel),
    warnings: warnings.map(rel),
  };
}

export function loadContentOrThrow(paths: ContentPaths, root?: string): Content {
  const content = loadContent(paths, root);
  if (content.errors.length > 0) throw new ContentError(content.errors);
  return content;
}
