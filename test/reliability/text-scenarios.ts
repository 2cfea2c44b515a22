import { payloads, type SlackSim } from '../support/slack-sim/index.js';
import { type Article, checkLimits, HOSTILE, type LimitStats, markupProblems, randomStrings, type Row, row } from './checks.js';
import { events, mentionEnvelope, settle, type SlackTarget } from './target.js';

type Json = Record<string, unknown>;

const ASKER = 'U0ASKER';
const FAILURES = ['slack_answer_failed', 'slack_command_failed', 'slack_listener_error', 'slack_dispatch_failed', 'slack_http_error', 'unhandled_rejection'];

/** How fuzz strings reach the app: a slash command over HTTP, or straight through the Slack answering path. */
export type Ask = (text: string) => Promise<Json>;

export function askBySlashCommand(app: SlackTarget): Ask {
  return async (text) => {
    const res = await app.sender.command(payloads.slashCommand({ text, responseUrl: app.sim.responseUrl(), channel: 'C0FUZZ', user: ASKER }));
    if (res.status !== 200) throw new Error(`slash command answered ${res.status}`);
    return JSON.parse(res.text || '{}') as Json;
  };
}

interface Tally {
  asked: number;
  answers: number;
  quotes: number;
  markup: string[];
  ungrounded: string[];
  thrown: string[];
}

function inspect(tally: Tally, article: Article, message: Json, limits: LimitStats, where: string): void {
  checkLimits(limits, message, where);
  tally.markup.push(...markupProblems(message, ASKER));
  const { quotes, ungrounded } = article.quotes(message);
  if (quotes.length > 0) tally.answers += 1;
  tally.quotes += quotes.length;
  tally.ungrounded.push(...ungrounded);
}

/** 7. Hostile text: hand-written markup/HTML/bidi questions as mentions and commands, then `fuzz` random strings. */
export async function hostileTextScenario(
  app: SlackTarget,
  options: { article: Article; limits: LimitStats; fuzz: string[]; ask: Ask; batch: number },
): Promise<Row[]> {
  const s = '7. Hostile text';
  const { sim, sender } = app;
  const failuresBefore = FAILURES.reduce((n, name) => n + events(app, name).length, 0);
  const hand: Tally = { asked: 0, answers: 0, quotes: 0, markup: [], ungrounded: [], thrown: [] };
  const ask = askBySlashCommand(app);
  const sentTs: string[] = [];
  for (const text of HOSTILE) {
    const { envelope, ts } = mentionEnvelope('C0HOSTILE', text);
    sentTs.push(ts);
    const [mentionAck, command] = await Promise.all([sender.event(envelope), ask(text).catch((err: Error) => ({ thrown: err.message }))]);
    hand.asked += 2;
    if (mentionAck.status !== 200) hand.thrown.push(`mention acked ${mentionAck.status}`);
    if ('thrown' in command) hand.thrown.push(String(command.thrown));
    else inspect(hand, options.article, command, options.limits, 'command');
  }
  const posted = () => sim.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0HOSTILE');
  await settle(() => posted().length, HOSTILE.length, 10_000, 300);
  for (const call of posted()) inspect(hand, options.article, call.args, options.limits, 'mention');
  const unanswered = HOSTILE.length - posted().length;

  const fuzz: Tally = { asked: 0, answers: 0, quotes: 0, markup: [], ungrounded: [], thrown: [] };
  for (let i = 0; i < options.fuzz.length; i += options.batch) {
    const slice = options.fuzz.slice(i, i + options.batch);
    const replies = await Promise.all(slice.map((text) => options.ask(text).catch((err: Error) => ({ thrown: err.message }))));
    for (const reply of replies) {
      fuzz.asked += 1;
      if ('thrown' in reply) fuzz.thrown.push(String(reply.thrown));
      else inspect(fuzz, options.article, reply, options.limits, 'fuzz');
    }
  }
  const failures = FAILURES.reduce((n, name) => n + events(app, name).length, 0) - failuresBefore;
  const first = (list: string[]) => (list.length ? ` e.g. ${JSON.stringify(list[0]?.slice(0, 80))}` : '');
  return [
    row(
      s,
      `${HOSTILE.length} hostile questions (markup, HTML, zero-width, RTL) as mentions and slash commands: raw markup echoed`,
      `${hand.markup.length}${first(hand.markup)}`,
      '0',
      hand.markup.length === 0,
    ),
    row(
      s,
      `${options.fuzz.length.toLocaleString('en-US')} random Unicode strings (seeded): thrown / raw markup / replies missing`,
      `${fuzz.thrown.length + hand.thrown.length + failures} / ${fuzz.markup.length} / ${unanswered}${first([...fuzz.thrown, ...fuzz.markup])}`,
      '0 / 0 / 0',
      fuzz.thrown.length + hand.thrown.length + failures === 0 && fuzz.markup.length === 0 && unanswered === 0,
    ),
    row(
      s,
      'answers given, and quoted source sentences not verbatim in knowledge/article.txt',
      `${hand.answers + fuzz.answers} answers, ${hand.quotes + fuzz.quotes} quotes, ${hand.ungrounded.length + fuzz.ungrounded.length} not verbatim${first([...hand.ungrounded, ...fuzz.ungrounded])}`,
      '0 not verbatim',
      hand.ungrounded.length + fuzz.ungrounded.length === 0,
    ),
    row(s, 'app process after the hostile text', app.alive() ? 'running' : 'EXITED', 'running', app.alive()),
  ];
}

/** 8. Slack's limits, over every message the app sent through the simulators in this run. */
export function limitsScenario(sims: readonly SlackSim[], limits: LimitStats): Row[] {
  const s = '8. Slack limits';
  for (const sim of sims) {
    for (const call of sim.calls) {
      if (['chat.postMessage', 'chat.postEphemeral', 'chat.update'].includes(call.method)) checkLimits(limits, call.args, call.method);
    }
    for (const response of sim.responses) checkLimits(limits, response.body, 'response_url');
  }
  return [
    row(
      s,
      `every reply sent in this run (${limits.messages.toLocaleString('en-US')} messages): longest text / most blocks / longest section text`,
      `${limits.maxText.toLocaleString('en-US')} / ${limits.maxBlocks} / ${limits.maxSectionText.toLocaleString('en-US')}${limits.problems.length ? `; ${limits.problems.length} over: ${limits.problems[0]}` : ''}`,
      '≤ 40,000 / ≤ 50 / ≤ 3,000',
      limits.problems.length === 0,
    ),
  ];
}

/** The fuzz strings, seeded: the same every run. */
export const fuzzStrings = (count: number): string[] => randomStrings(count);
