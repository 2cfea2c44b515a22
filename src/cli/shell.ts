import { createInterface } from 'node:readline';
import type { ConversationContext } from '../core/conversation/context.js';
import { loadEngine } from '../core/engine.js';
import type { Reply } from '../core/types.js';
import { AppError } from '../errors.js';
import { projectRoot } from '../project-root.js';

const HELP = `Ask a question about the article; follow-ups are read as one conversation.
  :why      explain the last match term by term
  :reset    start a new conversation
  :history  the questions asked so far
  :help     this text
  :quit     leave (or Ctrl-D)`;

function show(reply: Reply, total: number): string {
  const lines: string[] = [];
  const parts = reply.parts ?? [reply];
  for (const part of parts) {
    if (parts.length > 1) lines.push(`» ${part.question}`);
    lines.push(part.message);
    if (part.kind === 'answer' && part.source)
      lines.push(`  “${part.source.sentence}”`, `  (sentence ${part.source.number} of ${total}, paragraph ${part.source.paragraph})`);
    else if (part.suggestions.length > 0) lines.push(...part.suggestions.map((s) => `  • ${s.question}`));
  }
  if (reply.kind === 'answer' && reply.related.length > 0) lines.push('Related:', ...reply.related.map((r) => `  • ${r.question}`));
  const candidates = reply.candidates.map((c) => `${c.intent} ${c.score.toFixed(2)}`).join(' · ');
  lines.push(`[${reply.kind}${reply.reason ? `: ${reply.reason}` : ''}${candidates ? ` · ${candidates}` : ''}]`);
  return lines.join('\n');
}

/** `npm run shell`: an interactive prompt that keeps the engine loaded and one conversation going. */
async function main(): Promise<void> {
  const engine = loadEngine({ root: projectRoot });
  const total = engine.article.sentences.length;
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ', historySize: 200, terminal: process.stdin.isTTY === true });
  let context: ConversationContext | undefined;
  /** The last question and the context it was asked in, for :why. */
  let last: { question: string; context: ConversationContext | undefined } | undefined;
  const history: string[] = [];
  const say = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  say(`isis-mission-bot shell · ${engine.intents.length} intents · content ${engine.version}\n${HELP}\n`);
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === ':quit' || line === ':q') break;
    if (line === ':help') say(HELP);
    else if (line === ':reset') {
      context = undefined;
      say('(new conversation)');
    } else if (line === ':history') say(history.length > 0 ? history.map((q, i) => `${i + 1}. ${q}`).join('\n') : '(nothing asked yet)');
    else if (line === ':why') say(last === undefined ? '(ask something first)' : engine.explain(last.question, last.context).join('\n'));
    else if (line.startsWith(':')) say(`unknown command ${line}; :help lists them`);
    else if (line !== '') {
      last = { question: line, context };
      const turn = engine.converse(line, context);
      context = turn.context;
      history.push(line);
      say(`bot> ${show(turn.reply, total).replace(/\n/g, '\n     ')}`);
    }
    rl.prompt();
  }
  rl.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof AppError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
