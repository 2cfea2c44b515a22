import type { InspectableEngine } from '../core/engine.js';
import type { Report } from '../core/evaluate.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function heatmap(report: Report): string {
  const { rows, columns, counts } = report.confusion;
  const max = Math.max(1, ...counts.flat());
  const head = `<tr><th>expected ↓ / answered →</th>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r, i) => {
      const cells = (counts[i] ?? [])
        .map((n, j) => {
          const diagonal =
            columns[j] === r ||
            (r === 'none' && columns[j] === 'abstain') ||
            (r === 'chat' && columns[j] === 'chat') ||
            (r === 'off-topic' && columns[j] === 'off-topic');
          const alpha = n === 0 ? 0 : 0.15 + 0.85 * (n / max);
          const colour = diagonal ? `rgba(22,128,60,${alpha})` : `rgba(200,40,40,${alpha})`;
          return `<td style="background:${colour}" title="${esc(r)} → ${esc(columns[j] ?? '')}: ${n}">${n || ''}</td>`;
        })
        .join('');
      return `<tr><th>${esc(r)}</th>${cells}</tr>`;
    })
    .join('');
  return `<table class="heat">${head}${body}</table>`;
}

function curve(report: Report): string {
  const w = 820;
  const h = 500;
  const pad = 60;
  const x = (v: number): number => pad + v * (w - 2 * pad);
  const y = (v: number): number => h - pad - v * (h - 2 * pad);
  const pts = report.sweep.map((s) => ({
    t: s.answer,
    cov: s.metrics.coverage,
    acc: 1 - s.metrics.wrongAmongAnswered,
    top1: s.metrics.inScopeTop1,
    abst: s.metrics.abstention,
  }));
  const line = (f: (p: (typeof pts)[number]) => number, colour: string): string =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((p) => `${x(p.cov).toFixed(1)},${y(f(p)).toFixed(1)}`).join(' ')}"/>` +
    pts
      .map(
        (p) =>
          `<circle cx="${x(p.cov).toFixed(1)}" cy="${y(f(p)).toFixed(1)}" r="3" fill="${colour}"><title>answer ≥ ${p.t}: coverage ${pct(p.cov)}, ${pct(f(p))}</title></circle>`,
      )
      .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<text x="${x(v)}" y="${h - pad + 16}" text-anchor="middle">${v * 100}%</text><text x="${pad - 6}" y="${y(v) + 4}" text-anchor="end">${v * 100}%</text>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${w} ${h}" style="width:100%;max-width:${w}px;height:auto;display:block;margin:1rem auto" role="img" aria-label="accuracy against coverage">
  <rect x="${pad}" y="${pad}" width="${w - 2 * pad}" height="${h - 2 * pad}" fill="#fafafa" stroke="#ccc"/>${ticks}
  ${line((p) => p.acc, '#16803c')}${line((p) => p.abst, '#1f5fbf')}
  <text x="${w / 2}" y="${h - 6}" text-anchor="middle">coverage (answered share of answerable questions)</text>
  <text x="${pad}" y="${pad - 12}" fill="#16803c">accuracy of answers given</text><text x="${w - pad}" y="${pad - 12}" fill="#1f5fbf" text-anchor="end">abstention on unanswerable</text>
</svg>`;
}

const GLOSSARY: readonly [string, string][] = [
  ['in-scope top-1', 'Of the questions the article answers, the share answered from a right sentence.'],
  ['abstention', 'Of the questions labelled none (near the topic, the article does not say), the share the bot did not answer.'],
  ['wrong among answered', 'Of all article answers the bot gave, the share from a wrong sentence. The worst outcome: keep it low.'],
  ['coverage', 'Of the questions the article answers, the share the bot answered at all (right or wrong), rather than asking "did you mean" or declining.'],
  ['small talk', 'Of the messages labelled chat, the share that got a small-talk reply.'],
  ['off-topic declined', 'Of the messages labelled off-topic, the share that got "I can only answer what this article says".'],
  ['ungrounded', 'Answers whose quoted sentence is not verbatim in the article. Must be 0.'],
  ['label', 'What answers a question: a quote of its sentence (or an intent id), none, off-topic or chat.'],
];

/** A self-contained HTML report: inline CSS and SVG, no script, no CDN. */
export function renderHtml(report: Report, engine: InspectableEngine, title: string): string {
  const m = report.metrics;
  const t = report.tuning;
  const row = (cells: (string | number)[]): string => `<tr>${cells.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`;
  const misses = report.predictions.filter((p) => p.outcome !== 'correct');
  const sentenceText = new Map(engine.article.sentences.map((s) => [s.number, s.text]));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;color:#222;max-width:1100px;padding:0 1rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:3px 7px;text-align:right;vertical-align:top}th{background:#f3f3f3}td.l,th.l{text-align:left}.heat td{min-width:1.6em;text-align:center}h2{margin-top:2rem}dt{font-weight:600}dd{margin:0 0 .5rem 1rem}.wrong{color:#b00020}</style></head><body>
<h1>${esc(title)}</h1>
<p>${m.total} labelled questions: ${m.answerable} answerable, ${m.unanswerable} unanswerable, ${m.offTopic} off-topic, ${m.chat} small talk. Thresholds: answer ≥ ${t.answer}, margin ≥ ${t.margin}, clarify ≥ ${t.clarify}.</p>
<table><tr><th>in-scope top-1</th><th>abstention</th><th>wrong among answered</th><th>coverage</th><th>small talk</th><th>off-topic declined</th><th>ungrounded</th></tr>
${row([pct(m.inScopeTop1), pct(m.abstention), `${pct(m.wrongAmongAnswered)} (${m.wrong}/${m.answered})`, pct(m.coverage), pct(m.chatAccuracy), m.offTopic ? `${m.offTopicDeclined}/${m.offTopic}` : '–', m.ungrounded])}</table>
<h2>Glossary</h2><dl>${GLOSSARY.map(([term, text]) => `<dt>${esc(term)}</dt><dd>${esc(text)}</dd>`).join('')}</dl>
<h2>Every miss (${misses.length})</h2>
<table><tr><th class="l">question</th><th class="l">expected</th><th class="l">the bot</th><th>score</th><th class="l">where</th></tr>
${misses
  .map((p) => {
    const e = p.item.expected;
    const got =
      p.kind === 'answer'
        ? `answered ${p.intent} (sentence ${p.sentence}: “${sentenceText.get(p.sentence ?? 0)?.slice(0, 80) ?? ''}…”)`
        : `${p.kind}${p.intent ? ` (best: ${p.intent})` : ''}`;
    return `<tr class="${p.outcome}"><td class="l">${esc(p.item.question)}</td><td class="l">${esc(e.kind === 'article' ? e.label : e.kind)}</td><td class="l">${esc(p.outcome)}: ${esc(got)}</td><td>${p.score.toFixed(2)}</td><td class="l">${esc(`${p.item.file.split('/').pop()}:${p.item.line}`)}</td></tr>`;
  })
  .join('\n')}</table>
<h2>Accuracy and abstention against coverage</h2><p>Each point is one answer threshold from the sweep: moving right answers more questions; green is the share of those answers that are right, blue the share of unanswerable questions still declined.</p>${curve(report)}
<h2>Threshold sweep</h2><table><tr><th>answer ≥</th><th>in-scope top-1</th><th>abstention</th><th>wrong among answered</th><th>coverage</th></tr>
${report.sweep.map((s) => row([s.answer.toFixed(2), pct(s.metrics.inScopeTop1), pct(s.metrics.abstention), pct(s.metrics.wrongAmongAnswered), pct(s.metrics.coverage)])).join('\n')}</table>
<h2>Confusion heatmap</h2><p>Rows: what the label expects (a sentence number, none, off-topic, chat). Columns: what the bot did.</p>${heatmap(report)}
<h2>Per intent</h2><p>How often each intent was given as the answer, and how often that was right.</p><table><tr><th class="l">intent</th><th>given</th><th>right</th><th>precision</th></tr>
${report.perIntent.map((p) => `<tr><td class="l">${esc(p.intent)}</td><td>${p.answered}</td><td>${p.correct}</td><td>${p.answered ? pct(p.precision) : '–'}</td></tr>`).join('\n')}</table>
<h2>Per sentence</h2><p>How many questions each sentence answers, and the share answered from it.</p><table><tr><th>sentence</th><th>questions</th><th>answered from it</th><th>recall</th></tr>
${report.perSentence.map((p) => row([p.sentence, p.support, p.correct, p.support ? pct(p.recall) : '–'])).join('\n')}</table>
${
  report.leaveOneOut.questions > 0
    ? `<h2>Leave-one-out over the intents' own questions</h2>
<p>${report.leaveOneOut.questions} questions; top-1 intent ${pct(report.leaveOneOut.top1Intent)}; answered from the right sentence ${pct(report.leaveOneOut.answeredCorrectly)}; wrong answers ${report.leaveOneOut.wrong}.</p>`
    : ''
}
</body></html>
`;
}
