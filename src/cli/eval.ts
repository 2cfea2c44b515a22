import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEngine } from '../core/engine.js';
import { evaluate, parseLabelled, type Report } from '../core/evaluate.js';
import { renderHtml } from './eval-html.js';
import { projectRoot } from '../project-root.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(6);

function formatReport(report: Report, files: readonly string[]): string {
  const m = report.metrics;
  const out: string[] = [];
  out.push(`Evaluation of ${files.join(', ')}`);
  out.push(`${m.total} questions: ${m.answerable} answerable, ${m.unanswerable} unanswerable, ${m.chat} small talk`);
  out.push(`thresholds: answer ≥ ${report.thresholds.answer}, margin ≥ ${report.thresholds.margin}, clarify ≥ ${report.thresholds.clarify}`);
  out.push('');
  out.push(`in-scope top-1 accuracy        ${pct(m.inScopeTop1)}`);
  out.push(`abstention on unanswerable     ${pct(m.abstention)}`);
  out.push(`wrong answers among answered   ${pct(m.wrongAmongAnswered)}  (${m.wrong} of ${m.answered})`);
  out.push(`coverage of answerable         ${pct(m.coverage)}`);
  out.push(`small talk recognised          ${pct(m.chatAccuracy)}`);
  out.push(`ungrounded answers             ${String(m.ungrounded).padStart(6)}`);
  out.push('');
  out.push('Threshold sweep (answer ≥ t)     top-1  abstain  wrong  coverage');
  for (const s of report.sweep) {
    const mark = Math.abs(s.answer - report.thresholds.answer) < 1e-9 ? ' ◀ chosen' : '';
    out.push(`  t = ${s.answer.toFixed(3)}                   ${pct(s.metrics.inScopeTop1)}  ${pct(s.metrics.abstention)}  ${pct(s.metrics.wrongAmongAnswered)}  ${pct(s.metrics.coverage)}${mark}`);
  }
  out.push('');
  out.push('Most confused pairs (expected → answered)');
  if (report.confusedPairs.length === 0) out.push('  none');
  for (const p of report.confusedPairs.slice(0, 10)) out.push(`  ${p.count}× ${p.expected} → ${p.predicted}: "${p.examples[0]}"`);
  out.push('');
  out.push('Per intent                        support answered precision recall');
  for (const p of report.perIntent) out.push(`  ${p.label.padEnd(30)} ${String(p.support).padStart(5)} ${String(p.predicted).padStart(8)}   ${pct(p.precision)} ${pct(p.recall)}`);
  out.push('');
  out.push('Per sentence                      support answered precision recall');
  for (const p of report.perSentence) out.push(`  ${p.label.padEnd(30)} ${String(p.support).padStart(5)} ${String(p.predicted).padStart(8)}   ${pct(p.precision)} ${pct(p.recall)}`);
  const loo = report.leaveOneOut;
  out.push('');
  out.push(`Leave-one-out over the intents' ${loo.questions} example questions: top-1 intent ${pct(loo.top1Intent).trim()}, answered from the right sentence ${pct(loo.answeredCorrectly).trim()}, wrong answers ${loo.wrong}`);
  return out.join('\n');
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { html: { type: 'string' }, json: { type: 'boolean' }, errors: { type: 'boolean' } },
  });
  const files = positionals.length > 0 ? positionals.map((p) => resolve(p)) : [join(projectRoot, 'test', 'eval', 'questions.tsv')];
  const items = files.flatMap((f) => parseLabelled(readFileSync(f, 'utf8'), f));
  const engine = loadEngine({ root: projectRoot });
  const report = evaluate(engine, items);
  const names = files.map((f) => relative(process.cwd(), f));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ metrics: report.metrics, thresholds: report.thresholds, leaveOneOut: report.leaveOneOut })}\n`);
  } else {
    process.stdout.write(`${formatReport(report, names)}\n`);
  }
  if (values.errors) {
    for (const p of report.predictions.filter((x) => x.outcome !== 'correct')) {
      const e = p.item.expected;
      process.stdout.write(`${p.outcome.padEnd(9)} ${(typeof e === 'string' ? e : e.join(',')).padEnd(7)} ${p.kind.padEnd(8)} ${String(p.intent ?? '').padEnd(24)} ${p.score.toFixed(2)} ${p.item.question}\n`);
    }
  }
  const html = resolve(values.html ?? join(projectRoot, 'reports', 'eval-report.html'));
  mkdirSync(dirname(html), { recursive: true });
  writeFileSync(html, renderHtml(report, 'isis-mission-bot evaluation'));
  if (!values.json) process.stdout.write(`\nHTML report: ${relative(process.cwd(), html)}\n`);
}

main();
