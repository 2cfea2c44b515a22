import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fuse from 'fuse.js';
import { defaultPaths, loadContent } from '../core/content.js';
import { createEngine, loadEngine } from '../core/engine.js';
import { parseLabelled, type LabelledQuestion } from '../core/evaluate.js';
import type { Intent } from '../core/types.js';
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
      out.push({ text: pick().split(' ').slice(0, 2 + Math.floor(rnd() * 2)).join(' '), category: 'short' });
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

const median = (xs: readonly number[]): number => percentile([...xs].sort((a, b) => a - b), 50);
const ms = (x: number): string => `${x.toFixed(3)} ms`;

function timeAll(questions: readonly { text: string; category: Category }[], run: (q: string) => unknown): { all: number[]; byCategory: Map<Category, number[]>; totalMs: number } {
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
  let correct = 0;
  let answerable = 0;
  let none = 0;
  let abstained = 0;
  let answered = 0;
  let wrong = 0;
  for (const item of items) {
    const intent = answer(item.question);
    const sentence = intent?.sentence?.number;
    if (sentence !== undefined) answered += 1;
    if (item.expected === 'none') {
      none += 1;
      if (sentence === undefined) abstained += 1;
      else wrong += 1;
    } else if (item.expected !== 'chat') {
      answerable += 1;
      if (sentence !== undefined && item.expected.includes(sentence)) correct += 1;
      else if (sentence !== undefined) wrong += 1;
    }
  }
  return { top1: correct / answerable, abstention: none === 0 ? 0 : abstained / none, wrong: answered === 0 ? 0 : wrong / answered };
}

function main(): void {
  const lines: string[] = [];
  const say = (s = ''): void => {
    lines.push(s);
    process.stdout.write(`${s}\n`);
  };
  say(`isis-mission-bot benchmark · node ${process.version} · ${new Date().toISOString()}`);

  // Cold start-up as the app pays it: a fresh process importing the engine, then load, validate, index.
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
  say(`start-up in a fresh process, median of 7: load, validate, index ${ms(median(colds))} (after importing the engine's modules: ${ms(median(coldImports))})`);
  say(`start-up again in the same process, median of 15:                   ${ms(median(startups))}`);
  say(`index build, median of 25:                       ${ms(median(builds))}   plain fuse.js ${ms(median(fuseBuilds))}`);

  const seeds = content.intents.flatMap((i) => i.questions);
  const evalFile = join(projectRoot, 'test', 'eval', 'questions.tsv');
  const labelled = existsSync(evalFile) ? parseLabelled(readFileSync(evalFile, 'utf8'), evalFile) : [];
  const questions = makeQuestions([...seeds, ...labelled.map((l) => l.question)], 10_000);
  const heapBefore = heapMb();
  for (const q of questions.slice(0, 500)) engine.ask(q.text); // warm-up
  const ours = timeAll(questions, (q) => engine.ask(q));
  const heapAfter = heapMb();
  // Plain fuse.js takes tens of milliseconds a question here (hundreds for long ones, minutes for
  // 40,000 characters), so it is timed on the first 100 questions of each category, and on one huge
  // question cut to 4,000 characters (a tenth of the size; its time grows with the length).
  const sampled = new Map<Category, number>();
  const fuseQuestions = questions.filter((q) => {
    const n = sampled.get(q.category) ?? 0;
    sampled.set(q.category, n + 1);
    return q.category !== 'huge' && n < 100;
  });
  for (const q of fuseQuestions.slice(0, 20)) fuse.search(q.text);
  const theirs = timeAll(fuseQuestions, (q) => fuse.search(q));
  const hugeSample = questions.filter((q) => q.category === 'huge').slice(0, 1).map((q) => ({ ...q, text: q.text.slice(0, 4_000) }));
  const theirsHuge = timeAll(hugeSample, (q) => fuse.search(q));

  say('');
  say(`${questions.length} mixed questions (short, full, typo, long, 40,000 characters); latency per question:`);
  say('                         ours p50     ours p99    ours max   │ plain fuse.js p50  p99        ratio p50');
  const cats: Category[] = ['short', 'full', 'typo', 'long', 'huge'];
  for (const c of cats) {
    const o = ours.byCategory.get(c) ?? [];
    const t = (c === 'huge' ? theirsHuge.all : theirs.byCategory.get(c)) ?? [];
    const ratio = percentile(t, 50) / Math.max(percentile(o, 50), 1e-6);
    say(`  ${c.padEnd(6)} (${String(o.length).padStart(5)})   ${ms(percentile(o, 50)).padStart(10)}  ${ms(percentile(o, 99)).padStart(10)}  ${ms(o[o.length - 1] ?? 0).padStart(10)}   │ ${ms(percentile(t, 50)).padStart(12)} ${ms(percentile(t, 99)).padStart(12)}   ${ratio.toFixed(1)}× faster (fuse: ${c === 'huge' ? '1 at 4,000 chars' : `${t.length} sampled`})`);
  }
  say(`  all    (${ours.all.length})   ${ms(percentile(ours.all, 50)).padStart(10)}  ${ms(percentile(ours.all, 99)).padStart(10)}  ${ms(ours.all[ours.all.length - 1] ?? 0).padStart(10)}   │ ${ms(percentile(theirs.all, 50)).padStart(12)} ${ms(percentile(theirs.all, 99)).padStart(12)}   ${(percentile(theirs.all, 50) / percentile(ours.all, 50)).toFixed(1)}× faster (fuse: ${theirs.all.length} sampled, no 40k)`);
  say('');
  say(`throughput: ${Math.round((questions.length / ours.totalMs) * 1000).toLocaleString('en-US')} questions/s (plain fuse.js, sample without 40k inputs: ${Math.round((fuseQuestions.length / theirs.totalMs) * 1000).toLocaleString('en-US')}/s)`);
  say(`heap used: ${heapBefore.toFixed(1)} MB after index build, ${heapAfter.toFixed(1)} MB after ${questions.length} questions`);

  if (labelled.length > 0) {
    const oursAcc = accuracy(labelled, (q) => {
      const r = engine.ask(q);
      return r.kind === 'answer' ? engine.intents.find((i) => i.id === r.intent) : undefined;
    });
    const fuseAcc = accuracy(labelled, (q) => fuse.search(q, { limit: 1 })[0]?.item.intent);
    say('');
    say(`quality on ${labelled.length} labelled questions (test/eval/questions.tsv):`);
    say(`  ours           in-scope top-1 ${(oursAcc.top1 * 100).toFixed(1)}%  abstention ${(oursAcc.abstention * 100).toFixed(1)}%  wrong among answered ${(oursAcc.wrong * 100).toFixed(1)}%`);
    say(`  plain fuse.js  in-scope top-1 ${(fuseAcc.top1 * 100).toFixed(1)}%  abstention ${(fuseAcc.abstention * 100).toFixed(1)}%  wrong among answered ${(fuseAcc.wrong * 100).toFixed(1)}%`);
  }
}

main();
