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
          const diagonal = columns[j] === r || (r === 'none' && columns[j] === 'abstain') || (r === 'chat' && columns[j] === 'chat');
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
  const w = 520;
  const h = 320;
  const pad = 44;
  const x = (v: number): number => pad + v * (w - 2 * pad);
  const y = (v: number): number => h - pad - v * (h - 2 * pad);
  const pts = report.sweep.map((s) => ({ t: s.answer, cov: s.metrics.coverage, acc: 1 - s.metrics.wrongAmongAnswered, top1: s.metrics.inScopeTop1, abst: s.metrics.abstention }));
  const line = (f: (p: (typeof pts)[number]) => number, colour: string): string =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((p) => `${x(p.cov).toFixed(1)},${y(f(p)).toFixed(1)}`).join(' ')}"/>` +
    pts.map((p) => `<circle cx="${x(p.cov).toFixed(1)}" cy="${y(f(p)).toFixed(1)}" r="3" fill="${colour}"><title>answer ≥ ${p.t}: coverage ${pct(p.cov)}, ${pct(f(p))}</title></circle>`).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((v) => `<text x="${x(v)}" y="${h - pad + 16}" text-anchor="middle">${v * 100}%</text><text x="${pad - 6}" y="${y(v) + 4}" text-anchor="end">${v * 100}%</text>`)
    .join('');
  return `<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="accuracy against coverage">
  <rect x="${pad}" y="${pad}" width="${w - 2 * pad}" height="${h - 2 * pad}" fill="#fafafa" stroke="#ccc"/>${ticks}
  ${line((p) => p.acc, '#16803c')}${line((p) => p.abst, '#1f5fbf')}
  <text x="${w / 2}" y="${h - 6}" text-anchor="middle">coverage (answered share of answerable questions)</text>
  <text x="${pad}" y="${pad - 12}" fill="#16803c">accuracy of answers given</text><text x="${w - pad}" y="${pad - 12}" fill="#1f5fbf" text-anchor="end">abstention on unanswerable</text>
</svg>`;
}

/** A self-contained HTML report: inline CSS and SVG, no script, no CDN. */
export function renderHtml(report: Report, title: string): string {
  const m = report.metrics;
  const row = (cells: (string | number)[]): string => `<tr>${cells.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}th{background:#f3f3f3}.heat td{min-width:1.6em;text-align:center}h2{margin-top:2rem}</style></head><body>
<h1>${esc(title)}</h1>
<p>${m.total} labelled questions: ${m.answerable} answerable, ${m.unanswerable} unanswerable, ${m.chat} small talk. Thresholds: answer ≥ ${report.thresholds.answer}, margin ≥ ${report.thresholds.margin}, clarify ≥ ${report.thresholds.clarify}.</p>
<table><tr><th>in-scope top-1</th><th>abstention on unanswerable</th><th>wrong among answered</th><th>coverage</th><th>small talk</th><th>ungrounded</th></tr>
${row([pct(m.inScopeTop1), pct(m.abstention), `${pct(m.wrongAmongAnswered)} (${m.wrong}/${m.answered})`, pct(m.coverage), pct(m.chatAccuracy), m.ungrounded])}</table>
<h2>Confusion heatmap</h2>${heatmap(report)}
<h2>Accuracy and abstention against coverage</h2>${curve(report)}
<h2>Threshold sweep</h2><table><tr><th>answer ≥</th><th>in-scope top-1</th><th>abstention</th><th>wrong among answered</th><th>coverage</th></tr>
${report.sweep.map((s) => row([s.answer.toFixed(2), pct(s.metrics.inScopeTop1), pct(s.metrics.abstention), pct(s.metrics.wrongAmongAnswered), pct(s.metrics.coverage)])).join('\n')}</table>
<h2>Most confused pairs</h2><table><tr><th>expected</th><th>answered</th><th>count</th><th>examples</th></tr>
${report.confusedPairs.slice(0, 15).map((p) => row([p.expected, p.predicted, p.count, p.examples.join(' | ')])).join('\n')}</table>
<h2>Per intent</h2><table><tr><th>intent</th><th>support</th><th>answered</th><th>precision</th><th>recall</th></tr>
${report.perIntent.map((p) => row([p.label, p.support, p.predicted, pct(p.precision), pct(p.recall)])).join('\n')}</table>
<h2>Per sentence</h2><table><tr><th>sentence</th><th>support</th><th>answered</th><th>precision</th><th>recall</th></tr>
${report.perSentence.map((p) => row([p.label, p.support, p.predicted, pct(p.precision), pct(p.recall)])).join('\n')}</table>
<h2>Leave-one-out over the intents' own questions</h2>
<p>${report.leaveOneOut.questions} questions; top-1 intent ${pct(report.leaveOneOut.top1Intent)}; answered from the right sentence ${pct(report.leaveOneOut.answeredCorrectly)}; wrong answers ${report.leaveOneOut.wrong}.</p>
</body></html>
`;
}
