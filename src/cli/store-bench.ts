import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEngine } from '../core/engine.js';
import { createLogger } from '../logger.js';
import { createQuestionLog, keyedHash, newRecordId, NO_QUESTION_LOG, type QuestionLog } from '../store/question-log.js';
import type { QuestionRow } from '../store/schema.js';
import { openStore } from '../store/store.js';
import { WriteQueue } from '../store/write-queue.js';
import { projectRoot } from '../project-root.js';

/**
 * `npm run bench:store`: what the question log costs a question (SQLite, the
 * default), and how long `npm run review` takes over 100,000 logged questions.
 * `--url postgres://…` runs the review part against PostgreSQL instead.
 */

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;

function labelledQuestions(): string[] {
  const dirs = [join(projectRoot, 'test', 'eval'), join(projectRoot, 'test', 'eval', 'probes')];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.tsv'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
      .map((line) => line.split('\t')[1]?.trim() ?? '')
      .filter((q) => q.length > 0),
  );
}

/** Questions arriving every `gapMs` (as from a busy channel): latency from arrival to answered, with and without the log. */
async function replyPathCost(questions: readonly string[], count: number, gapMs: number): Promise<void> {
  const engine = loadEngine({ root: projectRoot });
  const dir = mkdtempSync(join(tmpdir(), 'store-bench-'));
  const store = await openStore({ url: 'sqlite:bench.sqlite', root: dir });
  const logger = createLogger({ level: 'warn' });
  const queue = new WriteQueue(store, logger);
  const log = createQuestionLog({ queue, hash: keyedHash('bench key, 16+ chars'), mode: 'on' });
  const run = async (questionLog: QuestionLog): Promise<{ total: number[]; logCall: number[] }> => {
    const total: number[] = [];
    const logCall: number[] = [];
    for (let i = 0; i < count; i++) {
      const arrived = performance.now();
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      const due = arrived + gapMs;
      const started = performance.now();
      const reply = engine.ask(questions[i % questions.length] as string);
      const asked = performance.now();
      questionLog.question({ channel: 'web', conversation: 'c', user: 'u', reply, latencyMs: asked - started, version: engine.version });
      const logged = performance.now();
      logCall.push(logged - asked);
      total.push(logged - due);
    }
    return { total: total.sort((a, b) => a - b), logCall: logCall.sort((a, b) => a - b) };
  };
  await run(NO_QUESTION_LOG); // warm-up
  // Interleaved blocks, so the shared machine's slow spells hit both alike.
  const off = { total: [] as number[], logCall: [] as number[] };
  const on = { total: [] as number[], logCall: [] as number[] };
  for (let round = 0; round < 6; round++) {
    for (const [into, questionLog] of [
      [off, NO_QUESTION_LOG],
      [on, log],
    ] as const) {
      const r = await run(questionLog);
      into.total.push(...r.total);
      into.logCall.push(...r.logCall);
    }
  }
  for (const r of [off, on]) {
    r.total.sort((a, b) => a - b);
    r.logCall.sort((a, b) => a - b);
  }
  await queue.flush();
  // What a flush costs the main thread: handing 200 rows to the writer thread (the write itself runs there).
  const batches: number[] = [];
  const written: number[] = [];
  for (let k = 0; k < 30; k++) {
    const batch: QuestionRow[] = Array.from({ length: 200 }, () => ({
      id: newRecordId(),
      asked_at: new Date().toISOString(),
      channel: 'web',
      surface: 'web',
      conversation_hash: 'c',
      user_hash: 'u',
      question: 'when did the talks between the us and iraq begin?',
      kind: 'answer',
      intent: 'talks-start',
      confidence: 1,
      candidates: '[{"intent":"talks-start","score":1},{"intent":"talks-exact-date","score":0.766},{"intent":"transition-timeline","score":0.633}]',
      content_version: 'v',
      latency_ms: 1,
    }));
    const t = performance.now();
    const pending = store.writeBatch(batch, []);
    batches.push(performance.now() - t);
    await pending;
    written.push(performance.now() - t);
  }
  batches.sort((a, b) => a - b);
  written.sort((a, b) => a - b);
  process.stdout.write(
    [
      `Reply path, SQLite, ${count * 6} questions each with the log on and off, arriving every ${gapMs} ms:`,
      `  log.question() call itself        p50 ${fmt(percentile(on.logCall, 50))}  p99 ${fmt(percentile(on.logCall, 99))}  max ${fmt(on.logCall.at(-1) as number)}`,
      `  arrival → answered, log off       p50 ${fmt(percentile(off.total, 50))}  p99 ${fmt(percentile(off.total, 99))}`,
      `  arrival → answered, log on        p50 ${fmt(percentile(on.total, 50))}  p99 ${fmt(percentile(on.total, 99))}`,
      `  added at p99                      ${fmt(percentile(on.total, 99) - percentile(off.total, 99))}`,
      `  a 200-row batch: main thread busy  p50 ${fmt(percentile(batches, 50))}  max ${fmt(batches.at(-1) as number)}; written by the writer thread in p50 ${fmt(percentile(written, 50))}`,
      `  written ${queue.stats().written}, dropped ${queue.stats().dropped}`,
      '',
    ].join('\n'),
  );
  await queue.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

/** 100,000 logged questions (every kind, many wordings), then the review CLI as a whole process. */
async function reviewCost(questions: readonly string[], url: string | undefined, rows: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'review-bench-'));
  const databaseUrl = url ?? `sqlite:${join(dir, 'review.sqlite')}`;
  const store = await openStore({ url: databaseUrl, root: dir });
  const engine = loadEngine({ root: projectRoot });
  const kinds = ['answer', 'answer', 'answer', 'no-match', 'clarify'];
  const suffixes = ['', '?', ' please', ' ??', ' exactly', ' again', ' now', ' in iraq'];
  const started = Date.now() - 20 * 86_400_000;
  const made = performance.now();
  for (let offset = 0; offset < rows; offset += 1_000) {
    const batch: QuestionRow[] = [];
    for (let i = offset; i < Math.min(rows, offset + 1_000); i++) {
      const base = questions[(i * 7919) % questions.length] as string;
      const question = `${i % 3 === 0 ? base.toLowerCase() : base}${suffixes[i % suffixes.length]}${i % 11 === 0 ? ` ${i % 500}` : ''}`;
      const reply = i < questions.length * 2 ? engine.ask(question) : null;
      batch.push({
        id: newRecordId(),
        asked_at: new Date(started + i * 17_000).toISOString(),
        channel: i % 4 === 0 ? 'slack' : 'web',
        surface: 'web',
        conversation_hash: 'c',
        user_hash: 'u',
        question,
        kind: reply?.kind ?? (kinds[i % kinds.length] as string),
        intent: reply?.intent ?? null,
        confidence: reply?.confidence ?? 0.5,
        candidates: JSON.stringify(reply?.candidates ?? [{ intent: engine.intents[i % engine.intents.length]?.id, score: 0.5 }]),
        content_version: engine.version,
        latency_ms: 1,
      });
    }
    await store.insertQuestions(batch);
  }
  const counts = await store.countQuestions();
  await store.close();
  process.stdout.write(
    `Review over ${rows.toLocaleString('en')} logged questions (${JSON.stringify(counts)}), made in ${((performance.now() - made) / 1000).toFixed(1)} s, store ${url ? 'PostgreSQL' : 'SQLite'}:\n`,
  );
  for (const args of [['--json'], ['--html', join(dir, 'review.html')]]) {
    const t = performance.now();
    const out = spawnSync(process.execPath, [join(projectRoot, 'dist', 'cli', 'review.js'), ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    const ms = performance.now() - t;
    if (out.status !== 0) throw new Error(out.stderr);
    const groups = args[0] === '--json' ? Object.values(JSON.parse(out.stdout) as Record<string, unknown[]>).map((g) => g.length) : [];
    process.stdout.write(`  npm run review ${args[0]}  ${(ms / 1000).toFixed(2)} s (whole process)${groups.length ? `, groups ${groups.join('/')}` : ''}\n`);
  }
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, rows: { type: 'string' }, count: { type: 'string' }, only: { type: 'string' } } });
  const questions = labelledQuestions();
  if (values.only !== 'review') await replyPathCost(questions, Number(values.count ?? 500), 2);
  if (values.only !== 'reply') await reviewCost(questions, values.url, Number(values.rows ?? 100_000));
}

await main();
