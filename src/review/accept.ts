import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { defaultPaths, loadContent } from '../core/content.js';
import { decide } from '../core/matching/decide.js';
import { createEngine, type InspectableEngine } from '../core/engine.js';
import { evaluate, parseLabelled } from '../core/evaluate.js';
import { formatContentProblem } from '../errors.js';
import type { ReviewGroup } from './group.js';

export interface Figures {
  questions: number;
  inScopeTop1: number;
  abstention: number;
  wrongAmongAnswered: number;
  coverage: number;
}

/**
 * The evaluation, as review prints it: the labelled sets `npm run eval` uses.
 * Kept in this one function so a change to the evaluation's format touches one place.
 */
export function evaluationFigures(engine: InspectableEngine, root: string): Figures | undefined {
  const files = ['questions.tsv', 'holdout.tsv'].map((f) => join(root, 'test', 'eval', f)).filter((f) => existsSync(f));
  if (files.length === 0) return undefined;
  const items = files.flatMap((f) => parseLabelled(readFileSync(f, 'utf8'), { article: engine.article, intents: engine.intents }, f));
  const m = evaluate(engine, items).metrics;
  return { questions: m.total, inScopeTop1: m.inScopeTop1, abstention: m.abstention, wrongAmongAnswered: m.wrongAmongAnswered, coverage: m.coverage };
}

export interface AcceptRequest {
  root: string;
  group: ReviewGroup;
  intent: string;
  /** `--unanswerable ID`: the target must be an unanswerable intent (and `--intent` must not be one). */
  unanswerable: boolean;
  /** Add the questions even when the engine already answers them from another intent. */
  force: boolean;
  /** Run the evaluation before and after (slow on big label sets; tests may skip it). Default true. */
  evaluate?: boolean;
}

export interface AcceptResult {
  accepted: boolean;
  reasons: string[];
  /** The file changed (or that would have been), relative to the root. */
  file?: string;
  added: string[];
  /** Questions the engine already answers from another intent. */
  conflicts: { question: string; intent: string; score: number }[];
  before?: Figures;
  after?: Figures;
  /** Of the added questions, how many the edited content answers from the target intent. */
  nowMatching?: number;
}

const fold = (q: string): string => q.trim().replace(/\s+/g, ' ').toLowerCase();

/** The intent file with `questions` appended to intent `id`, comments and layout kept (yaml's Document API). */
export function addExamples(yamlText: string, id: string, questions: readonly string[]): string {
  const doc = parseDocument(yamlText);
  const intents = doc.get('intents');
  if (!isSeq(intents)) throw new Error('no `intents:` list in the file');
  const entry = intents.items.find((item) => isMap(item) && item.get('id') === id);
  if (!isMap(entry)) throw new Error(`no intent ${id} in the file`);
  const list = entry.get('questions', true);
  if (!isSeq(list)) throw new Error(`intent ${id} has no questions list`);
  for (const q of questions) list.add(doc.createNode(q));
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * `npm run review -- --accept GROUP --intent ID`: add a group's questions as
 * examples of an intent, validated and evaluated on a scratch copy first; the
 * real file is written only when the result is sound.
 */
export function acceptGroup(request: AcceptRequest): AcceptResult {
  const { root, group, intent: id } = request;
  const refuse = (reasons: string[], extra: Partial<AcceptResult> = {}): AcceptResult => ({ accepted: false, reasons, added: [], conflicts: [], ...extra });

  const content = loadContent(defaultPaths(root), root);
  if (content.errors.length > 0) return refuse(['the content is already invalid; fix it first (npm run check):', ...content.errors.map(formatContentProblem)]);
  const target = content.intents.find((i) => i.id === id);
  if (!target) return refuse([`there is no intent "${id}" (npm run check lists them)`]);
  if (request.unanswerable && !target.unanswerable) return refuse([`"${id}" is not an unanswerable intent: use --intent ${id}`]);
  if (!request.unanswerable && target.unanswerable) return refuse([`"${id}" is an unanswerable intent: use --unanswerable ${id}`]);

  const known = new Set(content.intents.flatMap((i) => i.questions.map(fold)));
  const added = [...new Map(group.questions.filter((q) => !known.has(fold(q))).map((q) => [fold(q), q.trim()])).values()];
  if (added.length === 0) return refuse([`every question of group ${group.id} is already an example question`]);

  const engine = createEngine(content);
  const conflicts = added.flatMap((question) => {
    const decision = decide(engine.rank(question), engine.tuning);
    return decision.kind === 'answer' && decision.best.intent.id !== id
      ? [{ question, intent: decision.best.intent.id, score: Math.round(decision.best.score * 1000) / 1000 }]
      : [];
  });
  if (conflicts.length > 0 && !request.force) {
    return refuse(
      [
        `${conflicts.length} of the questions already match another intent better (add --force to add them anyway):`,
        ...conflicts.map((c) => `"${c.question}" → ${c.intent} (${c.score})`),
      ],
      { conflicts },
    );
  }

  const file = isAbsolute(target.location.file) ? target.location.file : join(root, target.location.file);
  const rel = relative(root, file);
  let edited: string;
  try {
    edited = addExamples(readFileSync(file, 'utf8'), id, added);
  } catch (err) {
    return refuse([`cannot edit ${rel}: ${(err as Error).message}`]);
  }

  // Validate and evaluate a scratch copy: the real file changes only once the result is known good.
  const scratch = mkdtempSync(join(tmpdir(), 'review-accept-'));
  try {
    for (const dir of ['intents', 'knowledge']) cpSync(join(root, dir), join(scratch, dir), { recursive: true });
    writeFileSync(join(scratch, rel), edited);
    const next = loadContent(defaultPaths(scratch), scratch);
    if (next.errors.length > 0)
      return refuse(['the edited content fails validation, nothing was written:', ...next.errors.map(formatContentProblem)], { file: rel, conflicts });
    const after = createEngine(next);
    const nowMatching = added.filter((q) => {
      const decision = decide(after.rank(q), after.tuning);
      return decision.best?.intent.id === id && (decision.kind === 'answer' || target.unanswerable);
    }).length;
    const before = request.evaluate === false ? undefined : evaluationFigures(engine, root);
    const figures = before ? { before, after: evaluationFigures(after, root) } : {};
    writeFileSync(file, edited);
    return { accepted: true, reasons: [], file: rel, added, conflicts, nowMatching, ...figures };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
