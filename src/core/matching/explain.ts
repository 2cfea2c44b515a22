import { decide } from './decide.js';
import type { Candidate, Matcher, Ranking } from './matcher.js';

const n = (x: number): string => x.toFixed(3);

/**
 * A ranking explained term by term, in the words of DESIGN.md's formula: what each question word
 * weighs, and for each of the best few intents, every factor of its score. For people, not machines.
 */
export function explainRanking(matcher: Matcher, ranking: Ranking, top = 3): string[] {
  const t = matcher.tuning;
  const lines: string[] = [];
  const decision = decide(ranking, t);
  lines.push(
    `question type: ${ranking.type}${ranking.smallTalk ? ' · small talk' : ''}${ranking.asksForAStance ? ' · asks for an opinion or advice' : ''}${ranking.topical ? '' : " · no word on the article's topic"}`,
  );
  const corrections = Object.entries(ranking.corrections);
  if (corrections.length > 0) lines.push(`spelling: ${corrections.map(([from, to]) => `${from} → ${to}`).join(', ')}`);
  lines.push(
    `tokens (weight, penalty if unexplained): ${[...ranking.weights].map(([token, w]) => `${token} (${n(w.weight)}, ${n(w.penalty)})`).join(', ') || 'none'}`,
  );
  lines.push(
    `decision: ${decision.kind}${decision.kind === 'no-match' ? ` (${decision.reason})` : ''} · answer ≥ ${t.answer}, margin ≥ ${t.margin}, clarify ≥ ${t.clarify}`,
  );
  for (const c of ranking.candidates.slice(0, top)) lines.push(...explainCandidate(matcher, ranking, c));
  if (ranking.candidates.length === 0) lines.push('no intent shares a word with the question');
  return lines;
}

function explainCandidate(matcher: Matcher, ranking: Ranking, c: Candidate): string[] {
  const t = matcher.tuning;
  const e = c.evidence;
  const missing = ranking.tokens.filter((token) => !matcher.explains(c.intent, token));
  const damping = Math.min(1, t.longQuery / e.tokens);
  const kind = c.intent.chat ? 'small talk' : c.intent.unanswerable ? 'unanswerable' : `sentence ${c.intent.sentence?.number}`;
  return [
    '',
    `${c.intent.id} (${kind}): score ${n(c.score)}`,
    `  = (${t.questionWeight} × similarity ${n(e.similarity)} + ${n(1 - t.questionWeight)} × coverage ${n(e.coverage)})`,
    `    × type ${e.typeMatches ? '1' : t.typeMismatch} × pointer ${e.pointedAt ? '1' : t.pointerMismatch}`,
    `    × exp(−${t.unexplainedPenalty} × unexplained ${n(e.unexplained)} × damping ${n(damping)})`,
    `  closest example: "${c.question}"`,
    `  words it cannot explain: ${missing.length > 0 ? missing.join(', ') : 'none'}`,
  ];
}
