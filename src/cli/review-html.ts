import type { ReviewGroup } from '../review/group.js';
import type { Review } from '../review/review.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const day = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

const SECTIONS = [
  { key: 'unanswered', title: 'Unanswered', hint: 'The bot said the article does not cover these (no match).', flag: '--intent ID (or --unanswerable ID)' },
  { key: 'unsure', title: 'Unsure', hint: 'The bot asked "did you mean…" for these.', flag: '--intent ID' },
  { key: 'disliked', title: 'Voted 👎', hint: 'Answers people marked as not helpful.', flag: '--intent ID' },
] as const;

function nearest(group: ReviewGroup): string {
  if (group.nearest.length === 0) return '<span class="muted">none logged</span>';
  const tag = (kind: string | undefined): string => (kind && kind !== 'article' ? ` <span class="kind ${esc(kind)}">${esc(kind)}</span>` : '');
  return group.nearest.map((n) => `<span class="intent">${esc(n.intent)}</span> <span class="score">${n.score.toFixed(2)}</span>${tag(n.kind)}`).join('<br>');
}

function groupRow(group: ReviewGroup, flag: string): string {
  const members = group.questions
    .slice(0, 50)
    .map((q) => `<li>${esc(q)}</li>`)
    .join('');
  const more = group.questions.length > 50 ? `<li class="muted">… and ${group.questions.length - 50} more wordings</li>` : '';
  const answeredBy = group.answeredBy ? `<div class="muted">answered by ${group.answeredBy.map((a) => `${esc(a.intent)} (${a.count})`).join(', ')}</div>` : '';
  return `<tr>
  <td class="count">${group.count}</td>
  <td><details><summary>${esc(group.question)}${group.questions.length > 1 ? ` <span class="muted">+${group.questions.length - 1} wordings</span>` : ''}</summary><ul>${members}${more}</ul></details>${answeredBy}
    <code class="accept">npm run review -- --accept ${esc(group.id)} ${esc(flag)}</code></td>
  <td class="nearest">${nearest(group)}</td>
  <td class="when">${esc(day(group.firstSeen))}<br>${esc(day(group.lastSeen))}</td>
  <td>${esc(group.channels.join(', '))}</td>
</tr>`;
}

/** A self-contained page (no scripts, no CDN): the review's three sections as tables. */
export function renderReviewHtml(review: Review, meta: { store: string; generatedAt: string }): string {
  const totals = Object.entries(review.totals)
    .map(([kind, n]) => `${n} ${esc(kind)}`)
    .join(' · ');
  const filter = [
    review.filter.since ? `since ${esc(review.filter.since)}` : 'all kept questions',
    review.filter.channel ? `channel ${esc(review.filter.channel)}` : 'all channels',
  ].join(', ');
  const sections = SECTIONS.map(({ key, title, hint, flag }) => {
    const groups = review[key];
    const count = groups.reduce((n, g) => n + g.count, 0);
    const body =
      groups.length === 0
        ? '<p class="muted">Nothing here.</p>'
        : `<table><thead><tr><th>count</th><th>question (group)</th><th>nearest intents</th><th>first / last seen</th><th>channels</th></tr></thead><tbody>${groups.map((g) => groupRow(g, flag)).join('')}</tbody></table>`;
    return `<section id="${key}"><h2>${title} <span class="muted">${count} questions in ${groups.length} groups</span></h2><p class="hint">${hint}</p>${body}</section>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Question review</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1d1d1f; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 2px solid #ddd; padding-bottom: .3rem; }
.muted { color: #777; font-weight: normal; } .hint { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .45rem .5rem; border-bottom: 1px solid #eee; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: #666; }
td.count { font-weight: 700; font-size: 16px; text-align: right; width: 3rem; }
td.when { white-space: nowrap; color: #555; font-size: 12px; }
summary { cursor: pointer; } ul { margin: .3rem 0 .3rem 1.2rem; padding: 0; color: #444; }
.intent { font-family: ui-monospace, monospace; font-size: 12px; background: #eef3fb; border-radius: 3px; padding: 0 .25rem; }
.score { color: #555; font-size: 12px; }
td.nearest { white-space: nowrap; }
.kind { font-size: 11px; color: #8a5a00; background: #fff4dc; border-radius: 3px; padding: 0 .25rem; }
.kind.gone { color: #a00; background: #fde8e8; }
code.accept { display: block; margin-top: .3rem; font-size: 11px; color: #666; }
</style></head>
<body>
<h1>Question review</h1>
<p class="muted">${esc(filter)} · store ${esc(meta.store)} · generated ${esc(day(meta.generatedAt))} UTC</p>
<p>${totals || 'No questions logged yet.'}${review.redacted > 0 ? ` · ${review.redacted} without text (QUESTION_LOG=redacted)` : ''}</p>
${sections}
</body></html>
`;
}
