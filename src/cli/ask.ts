import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadEngine } from '../core/engine.js';
import type { Engine, Reply } from '../core/types.js';
import { AppError } from '../errors.js';
import { projectRoot } from '../project-root.js';

const USAGE = `Usage:
  npm run ask -- "When did the talks begin?"          readable answer with its source sentence
  npm run --silent ask -- --json "question"           one JSON object
  npm run --silent ask -- --jsonl < questions.txt     one JSON line per input line`;

/** The CLI's JSON contract: stable field names, one object per question. */
interface AskResult {
  question: string;
  answered: boolean;
  kind: Reply['kind'];
  intent: string | null;
  answer: string | null;
  source: { sentence: string; number: number; paragraph: number } | null;
  confidence: number;
  suggestions: { intent: string; question: string }[];
  reply: string;
}

function toResult(question: string, reply: Reply): AskResult {
  const answered = reply.kind === 'answer' && reply.source !== null;
  return {
    question,
    answered,
    kind: reply.kind,
    intent: reply.intent,
    answer: reply.answer,
    source: reply.source ? { ...reply.source } : null,
    confidence: reply.confidence,
    suggestions: reply.suggestions.map((s) => ({ ...s })),
    reply: reply.text,
  };
}

function formatReadable(reply: Reply, total: number): string {
  const lines: string[] = [];
  if (reply.kind === 'answer' && reply.source) {
    lines.push(reply.answer ?? '', '', `  Source, sentence ${reply.source.number} of ${total} (paragraph ${reply.source.paragraph}):`, `  “${reply.source.sentence}”`);
    if (reply.related.length > 0) lines.push('', 'Related:', ...reply.related.map((r) => `  • ${r.question}`));
    lines.push('', `confidence ${reply.confidence.toFixed(2)} · intent ${reply.intent}`);
  } else {
    lines.push(reply.text);
    if (reply.kind !== 'chat') lines.push('', `(not answered from the article: ${reply.kind}, confidence ${reply.confidence.toFixed(2)})`);
  }
  return lines.join('\n');
}

async function jsonl(engine: Engine): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    process.stdout.write(`${JSON.stringify(toResult(line, engine.ask(line)))}\n`);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean' }, jsonl: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const question = positionals.join(' ');
  if (!values.jsonl && question.trim() === '') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const engine = loadEngine({ root: projectRoot });
  if (values.jsonl) {
    await jsonl(engine);
    return 0;
  }
  const reply = engine.ask(question);
  if (values.json) process.stdout.write(`${JSON.stringify(toResult(question, reply))}\n`);
  else process.stdout.write(`${formatReadable(reply, engine.article.sentences.length)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof AppError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
