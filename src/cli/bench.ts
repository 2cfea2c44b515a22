import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fuse from 'fuse.js';
import { defaultPaths, loadContent } from '../core/content.js';
import { createEngine, loadEngine } from '../core/engine.js';
import { outcomeOf, parseLabelled, type LabelledQuestion } from '../core/evaluate.js';
import type { Intent } from '../core/types.js';
import { HOSTILE_KINDS, hostileQuestions } from './hostile-inputs.js';
import { seededRandom } from './random.js';
import { projectRoot } from '../project-root.js';

/**
 * `npm run bench`: prints figures, asserts nothing. Medians and ratios against
 * plain fuse.js measured in the same run, because the machines are noisy.
 */

const COLD_START = `
const t0 = performance.now();
const { loadEngine } = await import('./dist/core/engine.js');
const t1 = performance.now();
loadEngine({ root: process.cwd() });
console.log(t1 - t0, performance.now() - t1);
`;

type Category = 'short' | 'full' | 'typo' | 'long' | 'huge';

function typo(text: string, rnd: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(rnd() * 2);
  for (let k = 0; k < edits && chars.length > 3; k++) {
    const i = 1 + Math.floor(rnd() * (chars.length - 2));
    const op = rnd();
    if (op < 0.33) chars.splice(i, 1);
    else if (op < 0.66) [chars[i], chars[i + 1]] = [chars[i + 1] as string, chars[i] as string];
    else chars.splice(i, 0, chars[i] as string);
  }
  return chars.join('');
}

function makeQuestions(seeds: readonly string[], count: number, seed = 42): { text: string; category: Category }[] {
  const rnd = seededRandom(seed);
  const pick = (): string => seeds[Math.floor(rnd() * seeds.length)] as string;
  const out: { text: string; category: Category }[] = [];
  for (let i = 0; i < count; i++) {
    const r = i % 100;
    if (r === 0) {
      let huge = '';
      while (huge.length < 40_000) huge += `${pick()} `;
      out.push({ text: huge.slice(0, 40_000), category: 'huge' });
    } else if (r < 25) {
      out.push({
        text: pick()
          .split(' ')
          .slice(0, 2 + Math.floor(rnd() * 2))
          .join(' '),
        category: 'short',
      });
    } else if (r < 55) {
      out.push({ text: pick(), category: 'full' });
    } else if (r < 80) {
      out.push({ text: typo(pick(), rnd), category: 'typo' });
    } else {
      out.push({ text: `so I was reading the piece and wondering, ${pick()} and also ${pick().toLowerCase()} ${pick().toLowerCase()}`, category: 'long' });
    }
  }
  return out;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const median = (xs: readonly number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const ms = (x: number): string => `${x.toFixed(3)} ms`;

function timeAll(
  questions: readonly { text: string; category: Category }[],
  run: (q: string) => unknown,
): { all: number[]; byCategory: Map<Category, number[]>; totalMs: number } {
  const all: number[] = [];
  const byCategory = new Map<Category, number[]>();
  const start = process.hrtime.bigint();
  for (const q of questions) {
    const t0 = process.hrtime.bigint();
    run(q.text);
    const dt = Number(process.hrtime.bigint() - t0) / 1e6;
    all.push(dt);
    const list = byCategory.get(q.category) ?? [];
    list.push(dt);
    byCategory.set(q.category, list);
  }
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  all.sort((a, b) => a - b);
  for (const list of byCategory.values()) list.sort((a, b) => a - b);
  return { all, byCategory, totalMs };
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Plain fuse.js with default options over the same example questions: the baseline. */
function plainFuse(intents: readonly Intent[]): Fuse<{ question: string; intent: Intent }> {
  return new Fuse(
    intents.flatMap((intent) => intent.questions.map((question) => ({ question, intent }))),
    { keys: ['question'], includeScore: true },
  );
}

function accuracy(items: readonly LabelledQuestion[], answer: (q: string) => Intent | undefined): { top1: number; abstention: number; wrong: number } {
  const count = { answerable: 0, correct: 0, none: 0, abstained: 0, answered: 0, wrong: 0 };
  for (const item of items) {
    const intent = answer(item.question);
    const kind = intent?.sentence ? 'answer' : 'no-match';
    const outcome = outcomeOf(item.expected, kind, intent);
    if (kind === 'answer') count.answered += 1;
    if (outcome === 'wrong') count.wrong += 1;
    if (item.expected.kind === 'none') {
      count.none += 1;
      if (outcome === 'correct') count.abstained += 1;
    } else if (item.expected.kind === 'article') {
      count.answerable += 1;
      if (outcome === 'correct') count.correct += 1;
    }
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  return { top1: ratio(count.correct, count.answerable), abstention: ratio(count.abstained, count.none), wrong: ratio(count.wrong, count.answered) };
}

const progress = (text: string): void => {
  process.stderr.write(`… ${text}\n`);
};

function row(label: string, xs: readonly number[]): string {
  return `  ${label.padEnd(26)} p50 ${ms(percentile(xs, 50)).padStart(10)}  p99 ${ms(percentile(xs, 99)).padStart(10)}  max ${ms(xs[xs.length - 1] ?? 0).padStart(10)}`;
}

function main(): void {
  const say = (s = ''): void => {
    process.stdout.write(`${s}\n`);
  };
  say(`isis-mission-bot benchmark · node ${process.version} · ${new Date().toISOString()}`);
  say('Figures, not assertions: medians and ratios against a baseline timed in the same run (the machines are noisy).');

  progress('start-up: 7 fresh processes');
  const coldImports: number[] = [];
  const colds: number[] = [];
  for (let i = 0; i < 7; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', COLD_START], { cwd: projectRoot, encoding: 'utf8' });
    const [imported, loaded] = child.stdout.trim().split(' ').map(Number);
    if (child.status === 0 && Number.isFinite(imported) && Number.isFinite(loaded)) {
      coldImports.push(imported as number);
      colds.push(loaded as number);
    }
  }
  progress('start-up: 15 loads in this process; index builds');
  const startups: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    loadEngine({ root: projectRoot });
    startups.push(performance.now() - t0);
  }
  const content = loadContent(defaultPaths(projectRoot), projectRoot);
  const builds: number[] = [];
  let engine = createEngine(content);
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    engine = createEngine(content);
    builds.push(performance.now() - t0);
  }
  const fuseBuilds: number[] = [];
  let fuse = plainFuse(content.intents);
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    fuse = plainFuse(content.intents);
    fuseBuilds.push(performance.now() - t0);
  }
  say('');
  say('Start-up');
  say(`  fresh process, median of 7: load, validate, index ${ms(median(colds))} (after importing the engine's modules: ${ms(median(coldImports))})`);
  say(`  again in the same process, median of 15:          ${ms(median(startups))}`);
  say(`  index build, median of 25:                        ${ms(median(builds))}   plain fuse.js ${ms(median(fuseBuilds))}`);

  const seeds = content.intents.flatMap((i) => i.questions);
  const evalFile = join(projectRoot, 'test', 'eval', 'holdout.tsv');
  const labelled = existsSync(evalFile) ? parseLabelled(readFileSync(evalFile, 'utf8'), content, evalFile) : [];
  const questions = makeQuestions([...seeds, ...labelled.map((l) => l.question)], 10_000).filter((q) => q.category !== 'huge');
  progress(`${questions.length} mixed questions`);
  const heapBefore = heapMb();
  for (const q of questions.slice(0, 500)) engine.ask(q.text); // warm-up
  const ours = timeAll(questions, (q) => engine.ask(q));
  const heapAfter = heapMb();
  say('');
  say(`${questions.length} mixed questions (short, full, with typos, long), per question:`);
  for (const c of ['short', 'full', 'typo', 'long'] as const) say(row(`${c} (${ours.byCategory.get(c)?.length ?? 0})`, ours.byCategory.get(c) ?? []));
  say(row(`all (${ours.all.length})`, ours.all));
  say(
    `  throughput ${Math.round((questions.length / ours.totalMs) * 1000).toLocaleString('en-US')} questions/s; heap ${heapBefore.toFixed(1)} MB after the index build, ${heapAfter.toFixed(1)} MB after`,
  );

  // Like with like: the same sampled questions through both, since plain fuse.js takes tens of
  // milliseconds a question here (it compares whole questions with Bitap).
  progress('plain fuse.js on a sample of the same questions');
  const sampled = new Map<Category, number>();
  const sample = questions.filter((q) => {
    const n = sampled.get(q.category) ?? 0;
    sampled.set(q.category, n + 1);
    return n < 50;
  });
  for (const q of sample.slice(0, 20)) fuse.search(q.text);
  const theirs = timeAll(sample, (q) => fuse.search(q));
  const oursOnSample = timeAll(sample, (q) => engine.ask(q));
  say('');
  say(`The same ${sample.length} questions (50 of each kind) through both, per question:`);
  say(row('ours', oursOnSample.all));
  say(row('plain fuse.js', theirs.all));
  say(`  plain fuse.js / ours, medians: ${(percentile(theirs.all, 50) / Math.max(percentile(oursOnSample.all, 50), 1e-6)).toFixed(0)}×`);

  say('');
  say('Hostile input, 1,000 characters each, 2,000 of each kind (a cold cache every time), per question:');
  for (const kind of HOSTILE_KINDS) {
    progress(`hostile: ${kind}`);
    const qs = hostileQuestions(kind, 2_000).map((text) => ({ text, category: 'long' as Category }));
    for (const q of qs.slice(0, 50)) engine.ask(q.text);
    say(row(kind, timeAll(qs, (q) => engine.ask(q)).all));
  }
  progress('hostile: heap over 10,000');
  const hostile = HOSTILE_KINDS.flatMap((kind) => hostileQuestions(kind, 2_500, 99));
  const heap0 = heapMb();
  for (const q of hostile) engine.ask(q);
  const heap1 = heapMb();
  say(
    `  heap growth over ${hostile.length.toLocaleString('en-US')} hostile questions: ${(heap1 - heap0).toFixed(1)} MB (${heap0.toFixed(1)} → ${heap1.toFixed(1)} MB)`,
  );
  const huge = `${'where will the talks go '.repeat(2_000)}`.slice(0, 40_000);
  const refused = timeAll(
    Array.from({ length: 200 }, () => ({ text: huge, category: 'huge' as Category })),
    (q) => engine.ask(q),
  );
  say(row('40,000 characters (refused)', refused.all));

  if (labelled.length > 0) {
    progress('quality against plain fuse.js');
    const oursAcc = accuracy(labelled, (q) => {
      const r = engine.ask(q);
      return r.kind === 'answer' ? engine.intents.find((i) => i.id === r.intent) : undefined;
    });
    const fuseAcc = accuracy(labelled, (q) => fuse.search(q, { limit: 1 })[0]?.item.intent);
    say('');
    say(`Quality on ${labelled.length} labelled questions (test/eval/holdout.tsv):`);
    say(
      `  ours           in-scope top-1 ${(oursAcc.top1 * 100).toFixed(1)}%  abstention ${(oursAcc.abstention * 100).toFixed(1)}%  wrong among answered ${(oursAcc.wrong * 100).toFixed(1)}%`,
    );
    say(
      `  plain fuse.js  in-scope top-1 ${(fuseAcc.top1 * 100).toFixed(1)}%  abstention ${(fuseAcc.abstention * 100).toFixed(1)}%  wrong among answered ${(fuseAcc.wrong * 100).toFixed(1)}%`,
    );
  }
}

main();
