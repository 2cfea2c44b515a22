import { createHash } from 'node:crypto';
import type { ScoredIntent } from '../core/types.js';

/** One logged question (or vote) to be grouped. */
export interface ReviewItem {
  question: string;
  at: string;
  channel: string;
  candidates: readonly ScoredIntent[];
  /** The intent that answered (for a 👎, the one voted down). */
  intent?: string | null;
}

export interface ReviewGroup {
  /** Stable while the group's representative stays the same: what `--accept` takes. */
  id: string;
  /** The most asked wording. */
  question: string;
  /** Distinct wordings, most asked first. */
  questions: string[];
  count: number;
  firstSeen: string;
  lastSeen: string;
  channels: string[];
  /** The intents the matcher found nearest, with their mean score over the group's questions. */
  nearest: NearestIntent[];
  /** 👎 groups: the intents that gave the disliked answers, with counts. */
  answeredBy?: { intent: string; count: number }[];
}

export type Tokenize = (text: string) => readonly string[];

/** `unanswerable`: the bot already says precisely what the article doesn't say; `gone`: not in today's content. */
export type IntentKind = 'article' | 'unanswerable' | 'chat' | 'gone';

export interface NearestIntent extends ScoredIntent {
  kind?: IntentKind;
}

interface Bucket {
  tokens: string[];
  items: ReviewItem[];
  wordings: Map<string, number>;
}

const byCount = <T>(counts: Map<T, number>): T[] => [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);

/**
 * Group near-duplicate questions: identical token sets first (case,
 * punctuation, stop words, aliases and stems folded by the engine's own
 * normaliser), then sets at least `threshold` alike (Jaccard). Prefix
 * filtering keeps it near-linear: two sets that alike must share one of their
 * rarest tokens, so each set is compared only with groups indexed under those.
 */
export function groupQuestions(items: readonly ReviewItem[], tokenize: Tokenize, options: { threshold?: number; section?: string } = {}): ReviewGroup[] {
  const threshold = options.threshold ?? 0.6;
  const buckets = new Map<string, Bucket>();
  const tokenCache = new Map<string, string[]>();
  for (const item of items) {
    let tokens = tokenCache.get(item.question);
    if (!tokens) {
      tokens = [...new Set(tokenize(item.question))].sort();
      // A question of stop words only ("what?") is grouped by its folded text instead.
      if (tokens.length === 0)
        tokens = [
          `"${item.question
            .toLowerCase()
            .replace(/[^\p{L}\p{N}]+/gu, ' ')
            .trim()}"`,
        ];
      tokenCache.set(item.question, tokens);
    }
    const key = tokens.join(' ');
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = { tokens, items: [], wordings: new Map() }));
    bucket.items.push(item);
    bucket.wordings.set(item.question, (bucket.wordings.get(item.question) ?? 0) + 1);
  }

  const frequency = new Map<string, number>();
  for (const b of buckets.values()) for (const t of b.tokens) frequency.set(t, (frequency.get(t) ?? 0) + b.items.length);
  const rarestFirst = (tokens: readonly string[]): string[] =>
    [...tokens].sort((a, b) => (frequency.get(a) ?? 0) - (frequency.get(b) ?? 0) || (a < b ? -1 : 1));
  const prefixLength = (n: number): number => n - Math.ceil(threshold * n) + 1;

  // Biggest buckets first: they become the groups' representatives.
  const ordered = [...buckets.values()].sort((a, b) => b.items.length - a.items.length);
  const groups: { rep: Set<string>; buckets: Bucket[] }[] = [];
  const index = new Map<string, number[]>();
  for (const bucket of ordered) {
    const rare = rarestFirst(bucket.tokens);
    const probe = rare.slice(0, prefixLength(rare.length));
    let best = -1;
    let bestScore = threshold;
    const seen = new Set<number>();
    for (const token of probe) {
      for (const g of index.get(token) ?? []) {
        if (seen.has(g)) continue;
        seen.add(g);
        const rep = (groups[g] as { rep: Set<string> }).rep;
        let shared = 0;
        for (const t of bucket.tokens) if (rep.has(t)) shared += 1;
        const score = shared / (rep.size + bucket.tokens.length - shared);
        if (score >= bestScore) {
          bestScore = score;
          best = g;
        }
      }
    }
    if (best >= 0) {
      (groups[best] as { buckets: Bucket[] }).buckets.push(bucket);
      continue;
    }
    groups.push({ rep: new Set(bucket.tokens), buckets: [bucket] });
    // Index the new representative under its own prefix: any set alike enough shares one of them.
    for (const token of rare.slice(0, prefixLength(rare.length))) {
      const list = index.get(token);
      if (list) list.push(groups.length - 1);
      else index.set(token, [groups.length - 1]);
    }
  }

  return groups.map((g) => summarise(g.buckets, options.section ?? '')).sort((a, b) => b.count - a.count || (a.lastSeen < b.lastSeen ? 1 : -1));
}

function summarise(buckets: readonly Bucket[], section: string): ReviewGroup {
  const wordings = new Map<string, number>();
  const channels = new Set<string>();
  const scores = new Map<string, { sum: number; n: number }>();
  const answeredBy = new Map<string, number>();
  let count = 0;
  let firstSeen = '\uffff';
  let lastSeen = '';
  for (const bucket of buckets) {
    for (const [w, n] of bucket.wordings) wordings.set(w, (wordings.get(w) ?? 0) + n);
    for (const item of bucket.items) {
      count += 1;
      if (item.at < firstSeen) firstSeen = item.at;
      if (item.at > lastSeen) lastSeen = item.at;
      channels.add(item.channel);
      for (const c of item.candidates) {
        const s = scores.get(c.intent) ?? { sum: 0, n: 0 };
        s.sum += c.score;
        s.n += 1;
        scores.set(c.intent, s);
      }
      if (item.intent) answeredBy.set(item.intent, (answeredBy.get(item.intent) ?? 0) + 1);
    }
  }
  const questions = byCount(wordings);
  const question = questions[0] as string;
  // Mean over every item, counting a missing candidate as 0: an intent near one wording only ranks low.
  const withCandidates = buckets.reduce((n, b) => n + b.items.filter((i) => i.candidates.length > 0).length, 0) || 1;
  const nearest = [...scores.entries()]
    .map(([intent, s]) => ({ intent, score: Math.round((s.sum / withCandidates) * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 3);
  return {
    id: groupId(section, question),
    question,
    questions,
    count,
    firstSeen,
    lastSeen,
    channels: [...channels].sort(),
    nearest,
    ...(answeredBy.size > 0 ? { answeredBy: byCount(answeredBy).map((intent) => ({ intent, count: answeredBy.get(intent) as number })) } : {}),
  };
}

/** `u-1a2b3c` (unanswered), `c-…` (unsure), `d-…` (disliked): from the section and the representative question. */
export function groupId(section: string, question: string): string {
  return `${section}${createHash('sha256').update(question.toLowerCase()).digest('hex').slice(0, 6)}`;
}
