import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { plainText } from '../channels/plain-text.js';
import { InMemoryConversations } from '../core/conversation/memory.js';
import { loadEngine } from '../core/engine.js';
import type { Engine, Reply, Suggestion } from '../core/types.js';
import { AppError } from '../errors.js';
import { projectRoot } from '../project-root.js';

const USAGE = `Usage:
  npm run ask -- "When did the talks begin?"        readable answer with its source sentence
  npm run --silent ask -- --json "question"         one JSON object
  npm run --silent ask -- --jsonl questions.txt     one JSON line per line of the file
  npm run --silent ask -- --jsonl < questions.txt   the same, reading standard input
  npm run --silent ask -- --jsonl --conversations < turns.jsonl
                                                    lines {"conversation": "id", "question": "…"}: turns in order

Options:
  --json          print one JSON object instead of readable text
  --jsonl [FILE]  answer every line of FILE (or of standard input), one JSON object per line
  --conversations with --jsonl: each line is {"conversation": "id", "question": "text"}; lines with the
                  same id are turns of one conversation, in input order
  -h, --help      print this help`;

/** The CLI's JSON contract: stable field names, one object per question. */
interface AskResult {
  question: string;
  answered: boolean;
  kind: Reply['kind'];
  /** `no-match` only: unanswerable (a known topic the article does not cover), off-topic or not-covered. */
  reason: Reply['reason'];
  /** The matched intent; for a known unanswerable topic ("who leads ISIS?"), that topic's intent. */
  intent: string | null;
  answer: string | null;
  source: { sentence: string; number: number; paragraph: number } | null;
  confidence: number;
  suggestions: Suggestion[];
  related: Suggestion[];
  reply: string;
  /** A question of several parts: each part's result, in order. */
  parts?: AskResult[];
  /** With --conversations: the conversation this turn belongs to. */
  conversation?: string;
}

/** The intent behind a reply, including the unanswerable topic a "the article doesn't say…" was chosen for. */
function intentOf(reply: Reply, engine: Engine): string | null {
  if (reply.intent !== null || reply.reason !== 'unanswerable') return reply.intent;
  const best = reply.candidates[0];
  const intent = best && engine.intents.find((i) => i.id === best.intent);
  return intent?.unanswerable ? intent.id : null;
}

function toResult(question: string, reply: Reply, engine: Engine): AskResult {
  return {
    question,
    answered: reply.kind === 'answer' && reply.source !== null,
    kind: reply.kind,
    reason: reply.reason,
    intent: intentOf(reply, engine),
    answer: reply.answer,
    source: reply.source ? { ...reply.source } : null,
    confidence: reply.confidence,
    suggestions: reply.suggestions.map((s) => ({ ...s })),
    related: reply.related.map((s) => ({ ...s })),
    reply: plainText(reply, engine.article.sentences.length),
    ...(reply.parts ? { parts: reply.parts.map((part) => toResult(part.question, part, engine)) } : {}),
  };
}

function formatReadable(reply: Reply, total: number): string {
  // A question of several parts: each part as its own answer, under its own question.
  if (reply.parts) return reply.parts.map((part) => `» ${part.question}\n${formatReadable(part, total)}`).join('\n\n');
  const lines: string[] = [];
  if (reply.kind === 'answer' && reply.source) {
    lines.push(
      reply.answer ?? '',
      '',
      `  Source, sentence ${reply.source.number} of ${total} (paragraph ${reply.source.paragraph}):`,
      `  “${reply.source.sentence}”`,
    );
    if (reply.related.length > 0) lines.push('', 'Related:', ...reply.related.map((r) => `  • ${r.question}`));
    lines.push('', `confidence ${reply.confidence.toFixed(2)} · intent ${reply.intent}`);
  } else {
    lines.push(plainText(reply, total));
    if (reply.kind !== 'chat') lines.push('', `(not answered from the article: ${reply.kind}, confidence ${reply.confidence.toFixed(2)})`);
  }
  return lines.join('\n');
}

/** Write, and wait when the pipe is full, so a slow reader never makes us hold every answer in memory. */
function write(text: string): Promise<void> {
  if (process.stdout.write(text)) return Promise.resolve();
  return new Promise((done) => process.stdout.once('drain', done));
}

async function jsonl(engine: Engine, input: Readable): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    await write(`${JSON.stringify(toResult(line, engine.ask(line), engine))}\n`);
  }
}

/**
 * Turns of conversations, one JSON object a line: `{"conversation": "id", "question": "text"}`. Each
 * conversation's context is kept (bounded, as in the app) while the input runs.
 */
async function conversationsJsonl(engine: Engine, input: Readable): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const memory = new InMemoryConversations();
  let n = 0;
  for await (const line of rl) {
    n += 1;
    if (line.trim() === '') continue;
    let turn: { conversation?: unknown; question?: unknown };
    try {
      turn = JSON.parse(line) as typeof turn;
    } catch {
      throw new InputError(`Line ${n} is not JSON: expected {"conversation": "id", "question": "text"}`);
    }
    if (typeof turn?.question !== 'string' || (turn.conversation !== undefined && typeof turn.conversation !== 'string')) {
      throw new InputError(`Line ${n}: expected {"conversation": "id", "question": "text"}`);
    }
    const key = turn.conversation ?? '';
    const { reply, context } = engine.converse(turn.question, await memory.load(key));
    await memory.save(key, context);
    await write(`${JSON.stringify({ conversation: key, ...toResult(turn.question, reply, engine) })}\n`);
  }
}

/** A mistake in how the command was called: usage on stderr, exit 2, no stack trace. */
class UsageError extends Error {}

/** An input file that cannot be read: its name and why on stderr, exit 1, no stack trace. */
class InputError extends Error {}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, jsonl: { type: 'boolean' }, conversations: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    // parseArgs reports unknown options and misused values with a code and a readable message.
    if (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(err.message);
    throw err;
  }
}

/** Opens the file `--jsonl FILE` names, failing with a plain message (not a stack) when it cannot be read. */
function openInput(file: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(file, { encoding: 'utf8' });
    stream.once('open', () => resolve(stream));
    stream.once('error', (err: NodeJS.ErrnoException) =>
      reject(new InputError(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`)),
    );
  });
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    await write(`${USAGE}\n`);
    return 0;
  }
  if (values.jsonl) {
    if (values.json) throw new UsageError('Use --json or --jsonl, not both.');
    if (positionals.length > 1) throw new UsageError('--jsonl reads one file (or standard input when none is given).');
    const file = positionals[0];
    const input = file === undefined || file === '-' ? process.stdin : await openInput(file);
    const engine = loadEngine({ root: projectRoot });
    await (values.conversations ? conversationsJsonl(engine, input) : jsonl(engine, input));
    return 0;
  }
  if (values.conversations) throw new UsageError('--conversations goes with --jsonl.');
  const question = positionals.join(' ');
  if (question.trim() === '') throw new UsageError('Give a question to ask.');
  const engine = loadEngine({ root: projectRoot });
  const reply = engine.ask(question);
  if (values.json) await write(`${JSON.stringify(toResult(question, reply, engine))}\n`);
  else await write(`${formatReadable(reply, engine.article.sentences.length)}\n`);
  return 0;
}

// A reader that stops early (`| head -1`) closes the pipe: that is the reader's choice, not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  process.stderr.write(`Cannot write the output: ${err.message}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    // Known failures (bad content, an unreadable file) are explained; anything else keeps its stack for a bug report.
    const known = err instanceof AppError || err instanceof InputError;
    process.stderr.write(`${known ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
