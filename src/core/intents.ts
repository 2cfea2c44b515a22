import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';

// The `yaml` package (positions for messages) loads only when a message needs it: start-up stays quick.
type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
const yamlLib = (): YamlModule => (yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule);
import { z } from 'zod';
import type { ContentProblem } from '../errors.js';
import { foldText } from './matching/fold.js';
import type { AliasTable, Normalizer } from './matching/query.js';
import type { Article, Intent, Sentence } from './types.js';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Fewer example questions than this is allowed but warned about: matching generalises from variety. */
const RECOMMENDED_QUESTIONS = 10;

const IntentSchema = z
  .object({
    id: z.string().regex(KEBAB, 'must be kebab-case, e.g. raid-in-syria'),
    questions: z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'needs at least one question'),
    answer: z.string().trim().min(1, 'must not be empty'),
    source: z.string().min(1, 'must not be empty').optional(),
    related: z.array(z.string().regex(KEBAB, 'must be an intent id')).default([]),
    keywords: z.array(z.string().trim().min(1)).default([]),
    chat: z.boolean().default(false),
    unanswerable: z.boolean().default(false),
  })
  .strict();

const FileSchema = z.object({ intents: z.array(z.unknown()).min(1, 'needs at least one intent') }).strict();

const AliasFileSchema = z
  .object({ aliases: z.record(z.string().regex(/^[a-z0-9-]+$/, 'canonical forms are single lowercase words'), z.array(z.string().min(1))) })
  .strict();

/**
 * A parsed YAML file. js-yaml reads the data (fast, which keeps start-up
 * quick); node positions come from a second parse with the `yaml` package,
 * made only when a message needs to point at a line.
 */
class YamlFile {
  private located?: { doc: Document; lines: LineCounter };

  constructor(
    readonly file: string,
    private readonly text: string,
    readonly data: unknown,
  ) {}

  private get loc(): { doc: Document; lines: LineCounter } {
    if (!this.located) {
      const { LineCounter: Lines, parseDocument } = yamlLib();
      const lines = new Lines();
      this.located = { doc: parseDocument(this.text, { lineCounter: lines, uniqueKeys: true }), lines };
    }
    return this.located;
  }

  /** Where the node at `path` starts; a missing field is reported at its nearest parent. */
  position(path: readonly (string | number)[]): { line?: number; column?: number } {
    const { doc, lines } = this.loc;
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      const start = node?.range?.[0];
      if (start !== undefined) {
        const { line, col } = lines.linePos(start);
        return { line, column: col };
      }
    }
    return {};
  }

  /** Where a mapping's key (not its value) starts: an unknown field is reported at its name. */
  keyPosition(mapPath: readonly (string | number)[], key: string): { line?: number; column?: number } {
    const { doc, lines } = this.loc;
    const { isMap, isScalar } = yamlLib();
    const map = doc.getIn(mapPath, true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
      const start = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
      if (start !== undefined) {
        const { line, col } = lines.linePos(start);
        return { line, column: col };
      }
    }
    return this.position([...mapPath, key]);
  }
}

function parseYaml(text: string, file: string): { yaml?: YamlFile; problems: ContentProblem[] } {
  try {
    return { yaml: new YamlFile(file, text, loadYaml(text, { schema: CORE_SCHEMA, filename: file })), problems: [] };
  } catch (err) {
    // Let the `yaml` package describe a syntax error: its messages and positions are the clearer ones.
    const { LineCounter: Lines, parseDocument } = yamlLib();
    const lines = new Lines();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return {
        problems: doc.errors.map((e) => ({
          file,
          line: e.linePos?.[0]?.line,
          column: e.linePos?.[0]?.col,
          message: `YAML syntax error: ${e.message.split('\n')[0]}`,
        })),
      };
    }
    const mark = (err as { mark?: { line: number; column: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    return { problems: [{ file, ...(mark ? { line: mark.line + 1, column: mark.column + 1 } : {}), message: `YAML syntax error: ${reason}` }] };
  }
}

/** The line of each `- id: …` entry, found without a second parse. */
function idLinesOf(text: string): Map<string, number> {
  const out = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /^\s*-\s+id:\s*["']?([A-Za-z0-9_-]+)/.exec(line);
    if (m?.[1] && !out.has(m[1])) out.set(m[1], i + 1);
  });
  return out;
}

function readText(file: string): { text?: string; problems: ContentProblem[] } {
  try {
    return { text: readFileSync(file, 'utf8'), problems: [] };
  } catch (err) {
    return { problems: [{ file, message: `cannot read file: ${(err as Error).message}` }] };
  }
}

export function loadAliases(file: string): { aliases: AliasTable; problems: ContentProblem[] } {
  const { text, problems } = readText(file);
  if (text === undefined) return { aliases: {}, problems };
  const { yaml, problems: yamlProblems } = parseYaml(text, file);
  if (!yaml) return { aliases: {}, problems: yamlProblems };
  const parsed = AliasFileSchema.safeParse(yaml.data);
  if (!parsed.success) {
    return {
      aliases: {},
      problems: parsed.error.issues.map((issue) => ({
        file,
        ...yaml.position(issue.path as (string | number)[]),
        field: issue.path.join('.'),
        message: issue.message,
      })),
    };
  }
  const seen = new Map<string, string>();
  const out: ContentProblem[] = [];
  for (const [canonical, variants] of Object.entries(parsed.data.aliases)) {
    for (const variant of [canonical, ...variants]) {
      const key = foldText(variant);
      const other = seen.get(key);
      if (other !== undefined && other !== canonical) {
        out.push({ file, ...yaml.keyPosition(['aliases'], canonical), field: `aliases.${canonical}`, message: `"${variant}" is also an alias of "${other}"` });
      }
      seen.set(key, canonical);
    }
  }
  return { aliases: parsed.data.aliases, problems: out };
}

/** The sentences that contain `quote` verbatim. */
function sentencesContaining(article: Article, quote: string): Sentence[] {
  return article.sentences.filter((s) => s.text.includes(quote));
}

const straightQuotes = (s: string): string => s.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[—–]/g, '-');

// Words that may open an answer with a capital without being a name ("Yes, ...", "The U.S. ...").
const NUMBER_WORD = /^(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred|thousand|million|dozen|\d[\d,.]*)$/i;
const MONTH = /^(january|february|march|april|may|june|july|august|september|october|november|december)$/i;

/**
 * Numbers, dates and proper names in `answer` that `sentence` does not have.
 * Names are compared after alias folding, so "America" is fine where the
 * sentence says "U.S.".
 */
export function addedFacts(answer: string, sentence: string, normalizer: Normalizer): string[] {
  const sentenceWords = new Set([...normalizer.words(sentence), ...foldText(sentence).split(' ')]);
  const known = (text: string): boolean => {
    const forms = normalizer.words(text);
    return forms.length > 0 && forms.every((f) => sentenceWords.has(f));
  };
  const added: string[] = [];
  for (const part of answer.split(/(?<=[.!?])\s+/)) {
    const words = part.match(/[\p{L}\p{N}][\p{L}\p{N}.’'-]*/gu) ?? [];
    words.forEach((raw, index) => {
      const word = raw.replace(/[.’'-]+$/, '') || raw;
      const isNumber = NUMBER_WORD.test(word) || /\d/.test(word);
      const isMonth = MONTH.test(word) && word.toLowerCase() !== 'may';
      const isAcronym = /^[A-Z][A-Z.&-]+$/.test(word) && word.replace(/[^A-Z]/g, '').length >= 2;
      const isName = /^\p{Lu}/u.test(word) && index > 0;
      if (!(isNumber || isMonth || isAcronym || isName)) return;
      if (
        foldText(raw)
          .split(' ')
          .every((w) => sentenceWords.has(w)) ||
        known(raw)
      )
        return;
      // A word may be part of a multi-word alias: "United States" is "U.S.".
      for (let from = Math.max(0, index - 3); from <= index; from++) {
        for (let to = index + 1; to <= Math.min(words.length, from + 4); to++) {
          if (known(words.slice(from, to).join(' ')) && normalizer.words(words.slice(from, to).join(' ')).length === 1) return;
        }
      }
      added.push(word);
    });
  }
  return [...new Set(added)];
}

export interface LoadedIntents {
  intents: Intent[];
  errors: ContentProblem[];
  warnings: ContentProblem[];
}

/**
 * Read and validate an intents file against the article. Every problem is
 * located (file:line:column) and names the intent id and field it concerns.
 */
export function loadIntents(files: string | readonly string[], article: Article, normalizer: Normalizer): LoadedIntents {
  const shared: SharedState = { idLines: new Map(), questionOwner: new Map(), rawIds: new Set() };
  const all: LoadedIntents = { intents: [], errors: [], warnings: [] };
  const pending: ((out: LoadedIntents) => void)[] = [];
  for (const file of typeof files === 'string' ? [files] : files) {
    const one = loadIntentFile(file, article, normalizer, shared, pending);
    all.intents.push(...one.intents);
    all.errors.push(...one.errors);
    all.warnings.push(...one.warnings);
  }
  // `related` may point into another file, so it is checked once every file is read.
  for (const check of pending) check(all);
  return all;
}

interface SharedState {
  /** id → "file:line" where it was first defined. */
  idLines: Map<string, string>;
  questionOwner: Map<string, string>;
  rawIds: Set<string>;
}

function loadIntentFile(file: string, article: Article, normalizer: Normalizer, shared: SharedState, pending: ((out: LoadedIntents) => void)[]): LoadedIntents {
  const errors: ContentProblem[] = [];
  const warnings: ContentProblem[] = [];
  const { text, problems } = readText(file);
  if (text === undefined) return { intents: [], errors: problems, warnings };
  const { yaml, problems: yamlProblems } = parseYaml(text, file);
  if (!yaml) return { intents: [], errors: yamlProblems, warnings };

  const top = FileSchema.safeParse(yaml.data);
  if (!top.success) {
    const issues = top.error.issues.map((issue) => ({
      file,
      ...yaml.position(issue.path as (string | number)[]),
      field: issue.path.join('.') || undefined,
      message: issue.message,
    }));
    return { intents: [], errors: issues, warnings };
  }

  const intents: Intent[] = [];
  const { idLines: firstDefined, questionOwner } = shared;
  const idLines = idLinesOf(text);
  const rawItems = top.data.intents;
  for (const r of rawItems) {
    const id = (r as { id?: unknown })?.id;
    if (typeof id === 'string') shared.rawIds.add(id);
  }

  rawItems.forEach((raw, index) => {
    const at = (...path: (string | number)[]) => yaml.position(['intents', index, ...path]);
    const rawId = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
    const parsed = IntentSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path as (string | number)[];
        const unknownKeys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : [];
        if (unknownKeys.length > 0) {
          for (const key of unknownKeys)
            errors.push({
              file,
              ...yaml.keyPosition(['intents', index], key),
              intent: rawId ?? `#${index + 1}`,
              field: key,
              message: 'unknown field (allowed: id, questions, answer, source, related, keywords, chat, unanswerable)',
            });
        } else {
          errors.push({ file, ...at(...path), intent: rawId ?? `#${index + 1}`, field: path.join('.') || undefined, message: issue.message });
        }
      }
      return;
    }
    const data = parsed.data;
    const line = idLines.get(data.id) ?? 0;
    const problem = (field: string, message: string, path: (string | number)[] = [field]): ContentProblem => ({
      file,
      ...at(...path),
      intent: data.id,
      field,
      message,
    });

    const first = firstDefined.get(data.id);
    if (first !== undefined)
      errors.push(problem('id', `duplicate id (first defined at ${first.startsWith(`${file}:`) ? `line ${first.slice(file.length + 1)}` : basename(first)})`));
    else firstDefined.set(data.id, `${file}:${line}`);

    data.questions.forEach((q, qi) => {
      const key = normalizer.words(q).join(' ');
      const owner = questionOwner.get(key);
      if (owner !== undefined && owner !== data.id)
        errors.push(problem(`questions[${qi}]`, `"${q}" is also a question of intent "${owner}"`, ['questions', qi]));
      else if (owner === data.id) warnings.push(problem(`questions[${qi}]`, `"${q}" repeats another question of this intent`, ['questions', qi]));
      else questionOwner.set(key, data.id);
    });

    let sentence: Sentence | undefined;
    if (data.chat && data.unanswerable) {
      errors.push(problem('unanswerable', 'an intent is either small talk (chat: true) or unanswerable, not both'));
    } else if (data.chat || data.unanswerable) {
      if (data.source !== undefined)
        errors.push(problem('source', `${data.chat ? 'small-talk intents (chat: true)' : 'unanswerable intents'} must not have a source`));
    } else if (data.source === undefined) {
      errors.push(
        problem(
          'source',
          'is required: quote the article sentence this answer stands on (or set chat: true for small talk, unanswerable: true for questions the article cannot answer)',
        ),
      );
    } else {
      const found = sentencesContaining(article, data.source);
      if (found.length === 1) {
        sentence = found[0];
      } else if (found.length > 1) {
        errors.push(
          problem('source', `"${data.source}" is found in more than one sentence (${found.map((s) => s.number).join(', ')}); quote more of the one you mean`),
        );
      } else {
        const loose = article.sentences.filter((s) => straightQuotes(s.text).includes(straightQuotes(data.source as string)));
        const hint = loose.length > 0 ? ` (it matches sentence ${loose[0]?.number} except for quote or dash characters: copy them exactly, e.g. ’ and —)` : '';
        errors.push(problem('source', `"${data.source}" is not found verbatim in the article${hint}`));
      }
    }
    if (sentence) {
      const added = addedFacts(data.answer, sentence.text, normalizer);
      if (added.length > 0) errors.push(problem('answer', `answer adds a fact: ${added.map((a) => `"${a}"`).join(', ')} not in sentence ${sentence.number}`));
    }
    if (!data.chat && !data.unanswerable && data.questions.length < RECOMMENDED_QUESTIONS) {
      warnings.push(problem('questions', `has ${data.questions.length} questions; at least ${RECOMMENDED_QUESTIONS} varied ones are recommended`));
    }

    intents.push({
      id: data.id,
      questions: data.questions,
      answer: data.answer,
      ...(data.source !== undefined ? { source: data.source } : {}),
      ...(sentence ? { sentence } : {}),
      related: data.related,
      keywords: data.keywords,
      chat: data.chat,
      unanswerable: data.unanswerable,
      location: { file, line },
    });
  });

  pending.push((out) => {
    // Ids of intents that failed the schema still exist for `related`: one mistake, one message.
    const ids = shared.rawIds;
    intents.forEach((intent) => {
      const index = rawItems.findIndex((r) => (r as { id?: unknown })?.id === intent.id);
      intent.related.forEach((rel, ri) => {
        const at = (): { line?: number; column?: number } => yaml.position(['intents', index, 'related', ri]);
        if (!ids.has(rel)) out.errors.push({ file, ...at(), intent: intent.id, field: `related[${ri}]`, message: `no intent has the id "${rel}"` });
        else if (rel === intent.id)
          out.warnings.push({ file, ...at(), intent: intent.id, field: `related[${ri}]`, message: 'an intent is not related to itself' });
      });
    });
  });
  return { intents, errors, warnings };
}

/** Sentence number → ids of the article intents that ground it; an empty list is a coverage gap. */
export function coverage(article: Article, intents: readonly Intent[]): Map<number, string[]> {
  const table = new Map<number, string[]>(article.sentences.map((s) => [s.number, []]));
  for (const intent of intents) if (intent.sentence) table.get(intent.sentence.number)?.push(intent.id);
  return table;
}
