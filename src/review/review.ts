import type { DislikedRow, ReviewFilter, Store } from '../store/store.js';
import { parseCandidates, type QuestionRow } from '../store/schema.js';
import { groupQuestions, type IntentKind, type ReviewGroup, type ReviewItem, type Tokenize } from './group.js';

export interface Review {
  filter: ReviewFilter;
  /** Questions logged in the period, by reply kind. */
  totals: Record<string, number>;
  /** Rows with no question text (QUESTION_LOG=redacted): counted, not grouped. */
  redacted: number;
  unanswered: ReviewGroup[];
  unsure: ReviewGroup[];
  disliked: ReviewGroup[];
}

const itemOf = (row: QuestionRow): ReviewItem | null =>
  row.question === null
    ? null
    : { question: row.question, at: row.asked_at, channel: row.channel, candidates: parseCandidates(row.candidates), intent: row.intent };

function dislikedItem(row: DislikedRow): ReviewItem | null {
  if (row.question === null) return null;
  const candidates = row.candidates ? parseCandidates(row.candidates) : [];
  return { question: row.question, at: row.voted_at, channel: row.channel, candidates, intent: row.intent };
}

/** What content authors look at: unanswered, unsure and disliked questions, near-duplicates grouped. */
export async function buildReview(store: Store, tokenize: Tokenize, filter: ReviewFilter = {}, kindOf?: (intent: string) => IntentKind): Promise<Review> {
  const [rows, dislikes, totals] = await Promise.all([
    store.questionsOfKinds(['no-match', 'clarify'], filter),
    store.dislikes(filter),
    store.countQuestions(filter),
  ]);
  let redacted = 0;
  const unanswered: ReviewItem[] = [];
  const unsure: ReviewItem[] = [];
  for (const row of rows) {
    const item = itemOf(row);
    if (!item) redacted += 1;
    else (row.kind === 'no-match' ? unanswered : unsure).push(item);
  }
  const disliked: ReviewItem[] = [];
  for (const row of dislikes) {
    const item = dislikedItem(row);
    if (!item) redacted += 1;
    else disliked.push(item);
  }
  const grouped = (items: readonly ReviewItem[], section: string): ReviewGroup[] => {
    const groups = groupQuestions(items, tokenize, { section });
    if (!kindOf) return groups;
    return groups.map((g) => ({ ...g, nearest: g.nearest.map((n) => ({ ...n, kind: kindOf(n.intent) })) }));
  };
  return { filter, totals, redacted, unanswered: grouped(unanswered, 'u-'), unsure: grouped(unsure, 'c-'), disliked: grouped(disliked, 'd-') };
}

export function findGroup(review: Review, id: string): ReviewGroup | undefined {
  return [...review.unanswered, ...review.unsure, ...review.disliked].find((g) => g.id === id);
}
