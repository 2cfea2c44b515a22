import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEngine, type InspectableEngine } from '../core/engine.js';
import { evaluate, parseLabelled, type Prediction, type Report } from '../core/evaluate.js';
import { parseConversations, parseTwoPart, scoreConversations, scoreTwoPart } from '../core/evaluate-conversations.js';
import { renderHtml } from './eval-html.js';
import { projectRoot } from '../project-root.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(6);

const USAGE = `Usage: npm run eval -- [options] [SET.tsv ...]

Evaluates the engine on labelled question sets (default: test/eval/holdout.tsv).
  --summary      one line of figures per set, nothing else
  --all          --summary over every set in test/eval (conversation and two-part sets scored as such)
  --errors       list every question not answered right
  --json         the figures as JSON
  --html FILE    where to write the HTML report (default reports/eval-report.html)
  --misses FILE  where to write the misses as TSV (default reports/eval-misses.tsv)
  --conversations FILE   also score a conversation set: first turns, follow-ups (and each turn alone, the baseline)
  --two-part FILE        also score a set of two- and three-part questions
  --help         this text`;

function summaryLine(name: string, r: Report): string {
  const m = r.metrics;
  const offTopic =
    m.offTopic > 0 ? `  off-topic: ${m.offTopicDeclined}/${m.offTopic} declined, ${m.offTopicAnswered} answered, ${m.offTopicSmallTalk} small talk` : '';
  return `${name.padEnd(28)} in-scope ${pct(m.inScopeTop1)} (${m.answerable})  abstention ${pct(m.abstention)} (${m.unanswerable})  wrong ${pct(m.wrongAmongAnswered)} (${m.wrong}/${m.answered})  small talk ${pct(m.chatAccuracy)} (${m.chat})  ungrounded ${m.ungrounded}${offTopic}`;
}

function formatReport(report: Report, files: readonly string[]): string {
  const m = report.metrics;
  const t = report.tuning;
  const out: string[] = [];
  out.push(`Evaluation of ${files.join(', ')}`);
  out.push(`${m.total} questions: ${m.answerable} answerable, ${m.unanswerable} unanswerable, ${m.offTopic} off-topic, ${m.chat} small talk`);
  out.push(`thresholds: answer ≥ ${t.answer}, margin ≥ ${t.margin}, clarify ≥ ${t.clarify}`);
  out.push('');
  out.push(`in-scope top-1 accuracy        ${pct(m.inScopeTop1)}`);
  out.push(`abstention on unanswerable     ${pct(m.abstention)}`);
  out.push(`wrong answers among answered   ${pct(m.wrongAmongAnswered)}  (${m.wrong} of ${m.answered})`);
  out.push(`coverage of answerable         ${pct(m.coverage)}`);
  out.push(`small talk recognised          ${pct(m.chatAccuracy)}`);
  if (m.offTopic > 0)
    out.push(
      `off-topic declined             ${pct(m.offTopicDeclined / m.offTopic)}  (${m.offTopicAnswered} answered from the article, ${m.offTopicSmallTalk} small talk)`,
    );
  out.push(`ungrounded answers             ${String(m.ungrounded).padStart(6)}`);
  out.push('');
  out.push('Threshold sweep (answer ≥ t)     top-1  abstain  wrong  coverage');
  for (const s of report.sweep) {
    const mark = Math.abs(s.answer - t.answer) < 1e-9 ? ' ◀ chosen' : '';
    out.push(
      `  t = ${s.answer.toFixed(3)}                   ${pct(s.metrics.inScopeTop1)}  ${pct(s.metrics.abstention)}  ${pct(s.metrics.wrongAmongAnswered)}  ${pct(s.metrics.coverage)}${mark}`,
    );
  }
  out.push('');
  out.push('Most confused (expected → answered)');
  if (report.confusedPairs.length === 0) out.push('  none');
  for (const p of report.confusedPairs.slice(0, 10)) out.push(`  ${p.count}× ${p.expected} → ${p.predicted}: "${p.examples[0]}"`);
  out.push('');
  out.push('Per intent: how often given as the answer, and how often rightly');
  for (const p of report.perIntent.filter((r) => r.answered > 0))
    out.push(`  ${p.intent.padEnd(34)} ${String(p.answered).padStart(5)} given  ${pct(p.precision)} right`);
  out.push('');
  out.push('Per sentence: questions it answers, and how many got it');
  for (const p of report.perSentence)
    out.push(`  sentence ${String(p.sentence).padStart(2)}  ${String(p.support).padStart(5)} questions  ${pct(p.recall)} answered from it`);
  const loo = report.leaveOneOut;
  if (loo.questions > 0) {
    out.push('');
    out.push(
      `Leave-one-out over the intents' ${loo.questions} example questions: top-1 intent ${pct(loo.top1Intent).trim()}, answered from the right sentence ${pct(loo.answeredCorrectly).trim()}, wrong answers ${loo.wrong}`,
    );
  }
  return out.join('\n');
}

/** One TSV row per question not answered right: what was expected, what the bot did, and what it said. */
function missesTsv(engine: InspectableEngine, misses: readonly Prediction[]): string {
  const clean = (s: string): string => s.replace(/[\t\r\n]+/g, ' ');
  const rows = misses.map((p) => {
    const e = p.item.expected;
    const reply = engine.ask(p.item.question);
    return [
      p.outcome,
      e.kind === 'article' ? e.label : e.kind,
      p.kind,
      p.intent ?? '',
      p.score.toFixed(3),
      `${basename(p.item.file)}:${p.item.line}`,
      p.item.question,
      reply.message,
    ]
      .map(clean)
      .join('\t');
  });
  return `${['outcome', 'expected', 'reply', 'intent', 'score', 'where', 'question', 'message'].join('\t')}\n${rows.join('\n')}\n`;
}

/** Every labelled set under `dir`, by kind: folders named conversations/ and two-part/ hold those kinds. */
function setsIn(dir: string): { single: string[]; conversations: string[]; twoPart: string[] } {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.tsv'))
    .sort()
    .map((f) => join(dir, f));
  const under = (folder: string) => files.filter((f) => f.includes(`${sep}${folder}${sep}`));
  return {
    single: files.filter((f) => !f.includes(`${sep}conversations${sep}`) && !f.includes(`${sep}two-part${sep}`)),
    conversations: under('conversations'),
    twoPart: under('two-part'),
  };
}

const share = (right: number, total: number): string => `${pct(total === 0 ? 0 : right / total)} (${right}/${total})`;

function conversationLine(engine: InspectableEngine, file: string): string {
  const conversations = parseConversations(readFileSync(file, 'utf8'), engine, file);
  const withContext = scoreConversations(engine, conversations);
  const alone = scoreConversations(engine, conversations, false);
  const name = relative(process.cwd(), file);
  const lines = [
    `${name}: ${withContext.conversations} conversations`,
    `  first turns      ${share(withContext.firstTurns.right, withContext.firstTurns.total)}`,
    `  follow-ups       ${share(withContext.followUps.right, withContext.followUps.total)}  (each turn alone: ${share(alone.followUps.right, alone.followUps.total)}); wrong answers ${withContext.followUpsWrong}`,
  ];
  if (process.argv.includes('--errors'))
    for (const m of withContext.misses) lines.push(`  miss ${m.id} line ${m.line}: "${m.question}" expected ${m.expected}, got ${m.got}`);
  return lines.join('\n');
}

function twoPartLine(engine: InspectableEngine, file: string, errors: boolean): string {
  const score = scoreTwoPart(engine, parseTwoPart(readFileSync(file, 'utf8'), engine, file));
  const lines = [`${relative(process.cwd(), file)}: every part right ${share(score.allRight, score.total)}`];
  if (errors) for (const m of score.misses) lines.push(`  miss line ${m.line}: "${m.question}" expected ${m.expected}, got ${m.got}`);
  return lines.join('\n');
}

const OPTIONS = {
  html: { type: 'string' },
  misses: { type: 'string' },
  json: { type: 'boolean' },
  errors: { type: 'boolean' },
  summary: { type: 'boolean' },
  all: { type: 'boolean' },
  conversations: { type: 'string', multiple: true },
  'two-part': { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const;

function main(): number {
  let parsed: ReturnType<typeof parseArgs<{ allowPositionals: true; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const engine = loadEngine({ root: projectRoot });
  const every = values.all ? setsIn(join(projectRoot, 'test', 'eval')) : { single: [], conversations: [], twoPart: [] };
  if (values.all) {
    for (const f of every.single)
      process.stdout.write(
        `${summaryLine(relative(process.cwd(), f), evaluate(engine, parseLabelled(readFileSync(f, 'utf8'), engine, f), engine.tuning, { leaveOneOut: false }))}\n`,
      );
  }
  const conversationFiles = [...(values.conversations ?? []), ...every.conversations];
  const twoPartFiles = [...(values['two-part'] ?? []), ...every.twoPart];
  if (values.all) positionals.length = 0;
  for (const f of conversationFiles) process.stdout.write(`${conversationLine(engine, f)}\n`);
  for (const f of twoPartFiles) process.stdout.write(`${twoPartLine(engine, f, values.errors === true)}\n`);
  if (values.all || (positionals.length === 0 && (conversationFiles.length > 0 || twoPartFiles.length > 0))) return 0;
  const files = positionals.length > 0 ? positionals.map((p) => resolve(p)) : [join(projectRoot, 'test', 'eval', 'holdout.tsv')];
  const names = files.map((f) => relative(process.cwd(), f));
  const load = (f: string) => parseLabelled(readFileSync(f, 'utf8'), engine, f);
  if (values.summary) {
    files.forEach((f, i) => {
      process.stdout.write(`${summaryLine(names[i] as string, evaluate(engine, load(f), engine.tuning, { leaveOneOut: false }))}\n`);
    });
    return 0;
  }
  const items = files.flatMap(load);
  const report = evaluate(engine, items);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ metrics: report.metrics, tuning: report.tuning, leaveOneOut: report.leaveOneOut })}\n`);
  } else {
    process.stdout.write(`${formatReport(report, names)}\n`);
  }
  const misses = report.predictions.filter((x) => x.outcome !== 'correct');
  if (values.errors) {
    for (const p of misses) {
      const e = p.item.expected;
      process.stdout.write(
        `${p.outcome.padEnd(9)} ${(e.kind === 'article' ? e.label : e.kind).slice(0, 40).padEnd(40)} ${p.kind.padEnd(9)} ${String(p.intent ?? '').padEnd(26)} ${p.score.toFixed(2)} ${p.item.question}\n`,
      );
    }
  }
  const html = resolve(values.html ?? join(projectRoot, 'reports', 'eval-report.html'));
  const missesFile = resolve(values.misses ?? join(projectRoot, 'reports', 'eval-misses.tsv'));
  mkdirSync(dirname(html), { recursive: true });
  mkdirSync(dirname(missesFile), { recursive: true });
  writeFileSync(html, renderHtml(report, engine, `isis-mission-bot evaluation: ${names.join(', ')}`));
  writeFileSync(missesFile, missesTsv(engine, misses));
  if (!values.json) process.stdout.write(`\nHTML report: ${relative(process.cwd(), html)}\nMisses (TSV): ${relative(process.cwd(), missesFile)}\n`);
  return 0;
}

process.exitCode = main();
