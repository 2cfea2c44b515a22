import { decide } from './matching/decide.js';
import type { Tuning } from './matching/tuning.js';
import type { InspectableEngine } from './engine.js';
import type { Ranking } from './matching/matcher.js';

/** One labelled question: sentence numbers that ground it, `none` (the article can't answer) or `chat`. */
export interface LabelledQuestion {
  expected: readonly number[] | 'none' | 'chat';
  question: string;
  line: number;
}

/** Parse `EXPECTED<TAB>QUESTION` lines; blank lines and `#` comments are skipped. */
export function parseLabelled(tsv: string, file = 'questions.tsv'): LabelledQuestion[] {
  const out: LabelledQuestion[] = [];
  tsv.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return;
    const [label, question, extra] = raw.split('\t');
    if (label === undefined || question === undefined || extra !== undefined || question.trim() === '') {
      throw new Error(`${file}:${i + 1}: expected EXPECTED<TAB>QUESTION`);
    }
    const l = label.trim().toLowerCase();
    let expected: LabelledQuestion['expected'];
    if (l === 'none' || l === 'chat') expected = l;
    else {
      const nums = l.split(',').map((n) => Number(n.trim()));
      if (nums.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${file}:${i + 1}: bad label "${label}"`);
      expected = nums;
    }
    out.push({ expected, question: question.trim(), line: i + 1 });
  });
  return out;
}

export type Outcome = 'correct' | 'wrong' | 'abstained';

export interface Prediction {
  item: LabelledQuestion;
  kind: 'answer' | 'chat' | 'clarify' | 'no-match';
  intent: string | null;
  sentence: number | null;
  score: number;
  outcome: Outcome;
}

export interface Metrics {
  total: number;
  answerable: number;
  unanswerable: number;
  chat: number;
  /** Answerable questions answered from a correct sentence. */
  inScopeTop1: number;
  /** Unanswerable questions not answered. */
  abstention: number;
  /** Wrong answers among all answers given. */
  wrongAmongAnswered: number;
  /** Answered share of answerable questions. */
  coverage: number;
  chatAccuracy: number;
  answered: number;
  wrong: number;
  /** Answers whose quoted sentence is not verbatim in the article: must be 0. */
  ungrounded: number;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function predict(item: LabelledQuestion, ranking: Ranking, thresholds: Tuning): Prediction {
  const decision = decide(ranking, thresholds);
  const best = decision.best;
  let kind: Prediction['kind'] = decision.kind;
  if (decision.kind === 'answer' && decision.best.intent.chat) kind = 'chat';
  const sentence = kind === 'answer' ? (best?.intent.sentence?.number ?? null) : null;
  let outcome: Outcome;
  if (item.expected === 'chat') outcome = kind === 'chat' ? 'correct' : kind === 'answer' ? 'wrong' : 'abstained';
  else if (item.expected === 'none') outcome = kind === 'answer' ? 'wrong' : 'correct';
  else if (kind === 'answer') outcome = sentence !== null && item.expected.includes(sentence) ? 'correct' : 'wrong';
  else outcome = 'abstained';
  return { item, kind, intent: kind === 'answer' || kind === 'chat' ? (best?.intent.id ?? null) : null, sentence, score: best?.score ?? 0, outcome };
}

export function metricsOf(predictions: readonly Prediction[], articleText: string, engine: InspectableEngine): Metrics {
  const answerable = predictions.filter((p) => typeof p.item.expected !== 'string');
  const none = predictions.filter((p) => p.item.expected === 'none');
  const chat = predictions.filter((p) => p.item.expected === 'chat');
  const answers = predictions.filter((p) => p.kind === 'answer');
  const wrong = answers.filter((p) => p.outcome === 'wrong').length;
  const sentences = new Map(engine.article.sentences.map((s) => [s.number, s.text]));
  const ungrounded = answers.filter((p) => {
    const text = p.sentence === null ? undefined : sentences.get(p.sentence);
    return text === undefined || !articleText.includes(text);
  }).length;
  return {
    total: predictions.length,
    answerable: answerable.length,
    unanswerable: none.length,
    chat: chat.length,
    inScopeTop1: ratio(answerable.filter((p) => p.outcome === 'correct').length, answerable.length),
    abstention: ratio(none.filter((p) => p.outcome === 'correct').length, none.length),
    wrongAmongAnswered: ratio(wrong, answers.length),
    coverage: ratio(answerable.filter((p) => p.kind === 'answer').length, answerable.length),
    chatAccuracy: ratio(chat.filter((p) => p.outcome === 'correct').length, chat.length),
    answered: answers.length,
    wrong,
    ungrounded,
  };
}

export interface SweepRow {
  answer: number;
  metrics: Metrics;
}

export interface PerLabel {
  label: string;
  support: number;
  predicted: number;
  precision: number;
  recall: number;
}

export interface Report {
  thresholds: Tuning;
  metrics: Metrics;
  predictions: Prediction[];
  perIntent: PerLabel[];
  perSentence: PerLabel[];
  confusedPairs: { expected: string; predicted: string; count: number; examples: string[] }[];
  sweep: SweepRow[];
  /** Predicted column per expected row, for the heatmap: labels 1..N, none, chat × 1..N, chat, abstain. */
  confusion: { rows: string[]; columns: string[]; counts: number[][] };
  leaveOneOut: { questions: number; top1Intent: number; answeredCorrectly: number; wrong: number };
}

const labelOf = (e: LabelledQuestion['expected']): string => (typeof e === 'string' ? e : e.join(','));

export function evaluate(engine: InspectableEngine, items: readonly LabelledQuestion[], thresholds: Tuning = engine.tuning): Report {
  const rankings = items.map((item) => engine.rank(item.question));
  const run = (t: Tuning): Prediction[] => items.map((item, i) => predict(item, rankings[i] as Ranking, t));
  const predictions = run(thresholds);
  const articleText = engine.article.text;
  const metrics = metricsOf(predictions, articleText, engine);

  const perIntent: PerLabel[] = engine.intents.map((intent) => {
    const predicted = predictions.filter((p) => p.intent === intent.id);
    const correct = predicted.filter((p) => p.outcome === 'correct').length;
    const support = items.filter((it) =>
      intent.chat ? it.expected === 'chat' : typeof it.expected !== 'string' && intent.sentence !== undefined && it.expected.includes(intent.sentence.number),
    ).length;
    return { label: intent.id, support, predicted: predicted.length, precision: ratio(correct, predicted.length), recall: ratio(correct, support) };
  });
  // Recall per intent shares its sentence's questions with sibling intents, so the per-sentence view is the exact one.
  const perSentence: PerLabel[] = engine.article.sentences.map((s) => {
    const support = predictions.filter((p) => typeof p.item.expected !== 'string' && p.item.expected.includes(s.number));
    const predicted = predictions.filter((p) => p.sentence === s.number);
    return {
      label: `sentence ${s.number}`,
      support: support.length,
      predicted: predicted.length,
      precision: ratio(predicted.filter((p) => p.outcome === 'correct').length, predicted.length),
      recall: ratio(support.filter((p) => p.outcome === 'correct').length, support.length),
    };
  });

  const pairs = new Map<string, { expected: string; predicted: string; count: number; examples: string[] }>();
  for (const p of predictions.filter((x) => x.outcome === 'wrong')) {
    const key = `${labelOf(p.item.expected)}→${p.intent}`;
    const entry = pairs.get(key) ?? { expected: labelOf(p.item.expected), predicted: `${p.intent} (s${p.sentence ?? '-'})`, count: 0, examples: [] };
    entry.count += 1;
    if (entry.examples.length < 3) entry.examples.push(p.item.question);
    pairs.set(key, entry);
  }
  const confusedPairs = [...pairs.values()].sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected));

  const sweep: SweepRow[] = [];
  const grid = new Set<number>([thresholds.answer]);
  for (let a = Math.max(thresholds.clarify, 0.3); a <= 0.951; a += 0.05) grid.add(Math.round(a * 100) / 100);
  for (const answer of [...grid].sort((x, y) => x - y)) {
    sweep.push({ answer, metrics: metricsOf(run({ ...thresholds, answer }), articleText, engine) });
  }

  const n = engine.article.sentences.length;
  const columns = [...Array(n).keys()].map((i) => String(i + 1)).concat(['chat', 'abstain']);
  const rows = [...Array(n).keys()].map((i) => String(i + 1)).concat(['none', 'chat']);
  const counts = rows.map(() => columns.map(() => 0));
  for (const p of predictions) {
    const e = p.item.expected;
    const row = typeof e === 'string' ? e : String(p.sentence !== null && e.includes(p.sentence) ? p.sentence : e[0]);
    const col = p.kind === 'answer' ? String(p.sentence) : p.kind === 'chat' ? 'chat' : 'abstain';
    const r = rows.indexOf(row);
    const c = columns.indexOf(col);
    if (r >= 0 && c >= 0) (counts[r] as number[])[c] = ((counts[r] as number[])[c] as number) + 1;
  }

  return { thresholds, metrics, predictions, perIntent, perSentence, confusedPairs, sweep, confusion: { rows, columns, counts }, leaveOneOut: leaveOneOut(engine, thresholds) };
}

/** Each example question of each intent, ranked with itself left out of the index. */
export function leaveOneOut(engine: InspectableEngine, thresholds: Tuning): Report['leaveOneOut'] {
  let questions = 0;
  let top1 = 0;
  let answeredCorrectly = 0;
  let wrong = 0;
  for (const intent of engine.intents) {
    intent.questions.forEach((q, qi) => {
      questions += 1;
      const ranking = engine.matcher.rank(q, { intent: intent.id, question: qi });
      const best = ranking.candidates[0];
      const sameGrounding = (id: string | undefined): boolean => {
        const other = engine.intents.find((i) => i.id === id);
        return other !== undefined && (other.id === intent.id || (other.sentence !== undefined && other.sentence.number === intent.sentence?.number));
      };
      if (best?.intent.id === intent.id) top1 += 1;
      const d = decide(ranking, thresholds);
      if (d.kind === 'answer') {
        if (sameGrounding(d.best.intent.id)) answeredCorrectly += 1;
        else wrong += 1;
      }
    });
  }
  return { questions, top1Intent: ratio(top1, questions), answeredCorrectly: ratio(answeredCorrectly, questions), wrong };
}
