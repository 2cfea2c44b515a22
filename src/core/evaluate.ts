import { decide, type Decision } from './matching/decide.js';
import type { Ranking } from './matching/matcher.js';
import type { Tuning } from './matching/tuning.js';
import type { InspectableEngine } from './engine.js';
import type { Article, Intent } from './types.js';

/**
 * Labelled questions and what the engine makes of them. A label names what answers a question,
 * never a sentence number (inserting a sentence into the article must not silently mislabel a set):
 * - `"a verbatim quote"` of the sentence that answers it (several, one per sentence, joined by `|`),
 * - or an intent id,
 * - or `none` (near the topic, the article can't answer), `off-topic` (not about the article, or an
 *   opinion it can't give) or `chat` (small talk as the whole message).
 */
export type Expected =
  | { kind: 'article'; sentences: readonly number[]; intents: readonly string[]; label: string }
  | { kind: 'none' | 'off-topic' | 'chat'; label: string };

export interface LabelledQuestion {
  expected: Expected;
  question: string;
  file: string;
  line: number;
}

export interface LabelContext {
  article: Article;
  intents: readonly Intent[];
}

const straight = (s: string): string => s.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[—–]/g, '-');

/** One EXPECTED cell, resolved against the article and the intents; throws a message naming what is wrong. */
export function parseExpected(label: string, context: LabelContext): Expected {
  const l = label.trim();
  const lower = l.toLowerCase();
  if (lower === 'none' || lower === 'off-topic' || lower === 'chat') return { kind: lower, label: lower };
  const sentences = new Set<number>();
  const intents = new Set<string>();
  for (const raw of l.split('|').map((p) => p.trim())) {
    if (raw.startsWith('"') && raw.endsWith('"') && raw.length > 2) {
      const quote = straight(raw.slice(1, -1));
      const found = context.article.sentences.filter((s) => straight(s.text).includes(quote));
      if (found.length !== 1)
        throw new Error(
          `quote ${raw} is in ${found.length === 0 ? 'no sentence of the article' : `${found.length} sentences (${found.map((s) => s.number).join(', ')}): quote more of the one you mean`}`,
        );
      sentences.add((found[0] as { number: number }).number);
    } else if (context.intents.some((i) => i.id === raw && !i.chat && !i.unanswerable)) {
      intents.add(raw);
    } else {
      throw new Error(`bad label "${raw}": expected a "quote" of the article, an article intent id, none, off-topic or chat`);
    }
  }
  return { kind: 'article', sentences: [...sentences].sort((a, b) => a - b), intents: [...intents], label: l };
}

/**
 * The rows of a labelled TSV file: blank lines and `#` comments skipped, every cell present and
 * trimmed. `format` names the columns in the error that points at a malformed line.
 */
export function labelledRows(tsv: string, columns: number, file: string, format: string): { cells: string[]; line: number }[] {
  return tsv.split(/\r?\n/).flatMap((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return [];
    const cells = raw.split('\t');
    if (cells.length !== columns || cells.some((c) => c.trim() === '')) throw new Error(`${file}:${i + 1}: expected ${format}`);
    return [{ cells: cells.map((c) => c.trim()), line: i + 1 }];
  });
}

/** One label of a file, resolved; an error names its file and line. */
export function expectedAt(label: string, context: LabelContext, file: string, line: number): Expected {
  try {
    return parseExpected(label, context);
  } catch (err) {
    throw new Error(`${file}:${line}: ${(err as Error).message}`);
  }
}

/** Parse `EXPECTED<TAB>QUESTION` lines; blank lines and `#` comments are skipped. Errors name file:line. */
export function parseLabelled(tsv: string, context: LabelContext, file = 'questions.tsv'): LabelledQuestion[] {
  return labelledRows(tsv, 2, file, 'EXPECTED<TAB>QUESTION').map(({ cells: [label, question], line }) => ({
    expected: expectedAt(label as string, context, file, line),
    question: question as string,
    file,
    line,
  }));
}

export type Outcome = 'correct' | 'wrong' | 'abstained';
export type PredictedKind = 'answer' | 'chat' | 'clarify' | 'no-match' | 'off-topic';

export interface Prediction {
  item: LabelledQuestion;
  kind: PredictedKind;
  /** The intent answered (answer, chat) or the best candidate otherwise. */
  intent: string | null;
  sentence: number | null;
  score: number;
  outcome: Outcome;
}

export interface Metrics {
  total: number;
  answerable: number;
  unanswerable: number;
  offTopic: number;
  chat: number;
  /** Answerable questions answered from a correct sentence. */
  inScopeTop1: number;
  /** Unanswerable (`none`) questions not answered. */
  abstention: number;
  /** Wrong answers among all article answers given. */
  wrongAmongAnswered: number;
  /** Answered share of answerable questions. */
  coverage: number;
  chatAccuracy: number;
  answered: number;
  wrong: number;
  /** Off-topic questions: article answers, small-talk replies, "I can only answer…" replies. */
  offTopicAnswered: number;
  offTopicSmallTalk: number;
  offTopicDeclined: number;
  /** Answers whose quoted sentence is not verbatim in the article: must be 0. */
  ungrounded: number;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function kindOf(decision: Decision): PredictedKind {
  if (decision.kind === 'answer') return decision.best.intent.chat ? 'chat' : 'answer';
  if (decision.kind === 'no-match' && decision.reason === 'off-topic') return 'off-topic';
  return decision.kind;
}

function accepts(expected: Expected, intent: Intent | undefined): boolean {
  if (expected.kind !== 'article' || !intent) return false;
  return expected.intents.includes(intent.id) || (intent.sentence !== undefined && expected.sentences.includes(intent.sentence.number));
}

export function outcomeOf(expected: Expected, kind: PredictedKind, intent: Intent | undefined): Outcome {
  switch (expected.kind) {
    case 'chat':
      return kind === 'chat' ? 'correct' : kind === 'answer' ? 'wrong' : 'abstained';
    case 'none':
      return kind === 'answer' ? 'wrong' : 'correct';
    case 'off-topic':
      return kind === 'off-topic' ? 'correct' : kind === 'answer' || kind === 'chat' ? 'wrong' : 'abstained';
    case 'article':
      if (kind !== 'answer') return 'abstained';
      return accepts(expected, intent) ? 'correct' : 'wrong';
  }
}

export function predict(item: LabelledQuestion, ranking: Ranking, tuning: Tuning): Prediction {
  const decision = decide(ranking, tuning);
  const kind = kindOf(decision);
  const best = decision.best;
  const answered = kind === 'answer' || kind === 'chat';
  return {
    item,
    kind,
    intent: best?.intent.id ?? null,
    sentence: kind === 'answer' ? (best?.intent.sentence?.number ?? null) : null,
    score: best?.score ?? 0,
    outcome: outcomeOf(item.expected, kind, answered ? best?.intent : undefined),
  };
}

export function metricsOf(predictions: readonly Prediction[], engine: InspectableEngine): Metrics {
  const of = (kind: Expected['kind']): Prediction[] => predictions.filter((p) => p.item.expected.kind === kind);
  const answerable = of('article');
  const none = of('none');
  const offTopic = of('off-topic');
  const chat = of('chat');
  const answers = predictions.filter((p) => p.kind === 'answer');
  const wrong = answers.filter((p) => p.outcome === 'wrong').length;
  const sentences = new Map(engine.article.sentences.map((s) => [s.number, s.text]));
  const ungrounded = answers.filter((p) => {
    const text = p.sentence === null ? undefined : sentences.get(p.sentence);
    return text === undefined || !engine.article.text.includes(text);
  }).length;
  return {
    total: predictions.length,
    answerable: answerable.length,
    unanswerable: none.length,
    offTopic: offTopic.length,
    chat: chat.length,
    inScopeTop1: ratio(answerable.filter((p) => p.outcome === 'correct').length, answerable.length),
    abstention: ratio(none.filter((p) => p.outcome === 'correct').length, none.length),
    wrongAmongAnswered: ratio(wrong, answers.length),
    coverage: ratio(answerable.filter((p) => p.kind === 'answer').length, answerable.length),
    chatAccuracy: ratio(chat.filter((p) => p.outcome === 'correct').length, chat.length),
    answered: answers.length,
    wrong,
    offTopicAnswered: offTopic.filter((p) => p.kind === 'answer').length,
    offTopicSmallTalk: offTopic.filter((p) => p.kind === 'chat').length,
    offTopicDeclined: offTopic.filter((p) => p.kind === 'off-topic').length,
    ungrounded,
  };
}

export interface SweepRow {
  answer: number;
  metrics: Metrics;
}

/** How one intent fared as an answer: how often it was given, and how often rightly. */
export interface IntentRow {
  intent: string;
  answered: number;
  correct: number;
  precision: number;
}

/** How the questions one sentence answers fared. */
export interface SentenceRow {
  sentence: number;
  support: number;
  correct: number;
  recall: number;
}

export interface Report {
  tuning: Tuning;
  metrics: Metrics;
  predictions: Prediction[];
  perIntent: IntentRow[];
  perSentence: SentenceRow[];
  confusedPairs: { expected: string; predicted: string; count: number; examples: string[] }[];
  sweep: SweepRow[];
  /** Predicted column per expected row, for the heatmap. */
  confusion: { rows: string[]; columns: string[]; counts: number[][] };
  leaveOneOut: { questions: number; top1Intent: number; answeredCorrectly: number; wrong: number };
}

export interface EvaluateOptions {
  /** Leave-one-out ranks every example question again: skip it when only the set's figures matter. */
  leaveOneOut?: boolean;
}

export function evaluate(engine: InspectableEngine, items: readonly LabelledQuestion[], tuning: Tuning = engine.tuning, options: EvaluateOptions = {}): Report {
  const rankings = items.map((item) => engine.rank(item.question));
  const run = (t: Tuning): Prediction[] => items.map((item, i) => predict(item, rankings[i] as Ranking, t));
  const predictions = run(tuning);
  const metrics = metricsOf(predictions, engine);

  const perIntent: IntentRow[] = engine.intents
    .filter((i) => !i.unanswerable)
    .map((intent) => {
      const given = predictions.filter((p) => (p.kind === 'answer' || p.kind === 'chat') && p.intent === intent.id);
      const correct = given.filter((p) => p.outcome === 'correct').length;
      return { intent: intent.id, answered: given.length, correct, precision: ratio(correct, given.length) };
    });
  const perSentence: SentenceRow[] = engine.article.sentences.map((s) => {
    const support = predictions.filter((p) => p.item.expected.kind === 'article' && p.item.expected.sentences.includes(s.number));
    const correct = support.filter((p) => p.outcome === 'correct').length;
    return { sentence: s.number, support: support.length, correct, recall: ratio(correct, support.length) };
  });

  const pairs = new Map<string, { expected: string; predicted: string; count: number; examples: string[] }>();
  for (const p of predictions.filter((x) => x.outcome === 'wrong')) {
    const expected = p.item.expected.kind === 'article' ? p.item.expected.label : p.item.expected.kind;
    const key = `${expected}→${p.intent}`;
    const entry = pairs.get(key) ?? { expected, predicted: `${p.intent} (${p.kind})`, count: 0, examples: [] };
    entry.count += 1;
    if (entry.examples.length < 3) entry.examples.push(p.item.question);
    pairs.set(key, entry);
  }
  const confusedPairs = [...pairs.values()].sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected));

  const sweep: SweepRow[] = [];
  const grid = new Set<number>([tuning.answer]);
  for (let a = Math.max(tuning.clarify, 0.3); a <= 0.951; a += 0.05) grid.add(Math.round(a * 100) / 100);
  for (const answer of [...grid].sort((x, y) => x - y)) sweep.push({ answer, metrics: metricsOf(run({ ...tuning, answer }), engine) });

  const n = engine.article.sentences.length;
  const numbers = [...Array(n).keys()].map((i) => String(i + 1));
  const columns = [...numbers, 'chat', 'off-topic', 'abstain'];
  const rows = [...numbers, 'none', 'off-topic', 'chat'];
  const counts = rows.map(() => columns.map(() => 0));
  const sentenceOf = new Map(engine.intents.map((i) => [i.id, i.sentence?.number]));
  for (const p of predictions) {
    const e = p.item.expected;
    const first = e.kind === 'article' ? (e.sentences[0] ?? sentenceOf.get(e.intents[0] ?? '')) : undefined;
    const row = e.kind !== 'article' ? e.kind : String(p.outcome === 'correct' && p.sentence !== null ? p.sentence : (first ?? ''));
    const col = p.kind === 'answer' ? String(p.sentence) : p.kind === 'chat' || p.kind === 'off-topic' ? p.kind : 'abstain';
    const r = rows.indexOf(row);
    const c = columns.indexOf(col);
    if (r >= 0 && c >= 0) (counts[r] as number[])[c] = ((counts[r] as number[])[c] as number) + 1;
  }

  const loo = options.leaveOneOut === false ? { questions: 0, top1Intent: 0, answeredCorrectly: 0, wrong: 0 } : leaveOneOut(engine, tuning);
  return { tuning, metrics, predictions, perIntent, perSentence, confusedPairs, sweep, confusion: { rows, columns, counts }, leaveOneOut: loo };
}

/** Each example question of each intent, ranked with itself left out of the index. */
export function leaveOneOut(engine: InspectableEngine, tuning: Tuning): Report['leaveOneOut'] {
  let questions = 0;
  let top1 = 0;
  let answeredCorrectly = 0;
  let wrong = 0;
  const byId = new Map(engine.intents.map((i) => [i.id, i]));
  for (const intent of engine.intents) {
    intent.questions.forEach((q, qi) => {
      questions += 1;
      const ranking = engine.matcher.rank(q, { intent: intent.id, question: qi });
      if (ranking.candidates[0]?.intent.id === intent.id) top1 += 1;
      const d = decide(ranking, tuning);
      if (d.kind !== 'answer') return;
      const other = byId.get(d.best.intent.id);
      const same = other !== undefined && (other.id === intent.id || (other.sentence !== undefined && other.sentence.number === intent.sentence?.number));
      if (same) answeredCorrectly += 1;
      else wrong += 1;
    });
  }
  return { questions, top1Intent: ratio(top1, questions), answeredCorrectly: ratio(answeredCorrectly, questions), wrong };
}
