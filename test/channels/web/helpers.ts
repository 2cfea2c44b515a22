import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { MESSAGES } from '../../../src/messages.js';
import type { Channel } from '../../../src/channels/channel.js';
import { projectRoot } from '../../../src/project-root.js';
import { createWebChannel, type WebChannel, type WebChannelOptions } from '../../../src/channels/web/channel.js';
import type { WebMessage } from '../../../src/channels/web/render.js';
import { loadEngine } from '../../../src/core/engine.js';
import type { Article, Engine, Intent, Reply, Sentence, Suggestion } from '../../../src/core/types.js';
import { createLogger, type Logger } from '../../../src/logger.js';
import { serveChannels } from '../../support/serve.js';

/** A logger that keeps its JSON lines in memory, so tests stay quiet and can read them. */
export function memoryLogger(): { logger: Logger; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ stream, level: 'debug' }), records: () => lines.map((l) => JSON.parse(l)) };
}

const SENTENCES: Sentence[] = [
  { number: 1, paragraph: 1, text: 'Talks began in April between the U.S. and Iraq.' },
  { number: 2, paragraph: 1, text: 'A raid in Syria killed four ISIS operatives.' },
  { number: 3, paragraph: 2, text: 'The coalition will continue its work.' },
];

const ARTICLE: Article = {
  title: 'A <b>fixture</b> article',
  text: SENTENCES.map((s) => s.text).join(' '),
  sentences: SENTENCES,
  paragraphs: [
    { number: 1, sentences: SENTENCES.slice(0, 2) },
    { number: 2, sentences: SENTENCES.slice(2) },
  ],
};

const intent = (id: string, question: string, answer: string, sentence: Sentence): Intent => ({
  id,
  questions: [question],
  answer,
  source: sentence.text,
  sentence,
  related: [],
  keywords: [],
  chat: false,
  unanswerable: false,
  location: { file: 'fixture.yaml', line: 1 },
});

const INTENTS = [
  intent('talks-start', 'When did the talks begin?', 'In April.', SENTENCES[0] as Sentence),
  intent('raid', 'How many were killed in the raid?', 'Four ISIS operatives.', SENTENCES[1] as Sentence),
];
const EXAMPLES: Suggestion[] = INTENTS.map((i) => ({ intent: i.id, question: i.questions[0] as string }));

function answerFor(question: string, i: Intent): Reply {
  const s = i.sentence as Sentence;
  return {
    kind: 'answer',
    question,
    intent: i.id,
    answer: i.answer,
    message: i.answer,
    source: { sentence: s.text, number: s.number, paragraph: s.paragraph },
    confidence: 1,
    suggestions: [],
    related: EXAMPLES.filter((e) => e.intent !== i.id),
    candidates: [{ intent: i.id, score: 1 }],
    reason: null,
  };
}

/**
 * A tiny deterministic Engine for transport tests: "talks"/"raid" answer,
 * "explode" throws, anything else is an honest no-match.
 */
export function fixtureEngine(): Engine {
  return {
    version: 'fixture',
    article: ARTICLE,
    intents: INTENTS,
    converse(question, context) {
      return { reply: this.ask(question), context: context ?? { turns: [], given: [] } };
    },
    ask(question) {
      if (question.includes('explode')) throw new Error('engine blew up');
      const hit = INTENTS.find((i) => question.toLowerCase().includes(i.id.split('-')[0] as string));
      if (hit) return answerFor(question, hit);
      return {
        kind: 'no-match',
        question,
        intent: null,
        answer: null,
        message: MESSAGES.notCovered,
        source: null,
        confidence: 0,
        suggestions: EXAMPLES,
        related: [],
        candidates: [],
        reason: 'not-covered',
      };
    },
    answerIntent(id) {
      const hit = INTENTS.find((i) => i.id === id);
      return hit ? answerFor(hit.questions[0] as string, hit) : undefined;
    },
    examples: (n = 3) => EXAMPLES.slice(0, n),
  };
}

/** The fixture engine, but every question keeps the CPU busy for `ms` first, like an expensive question. */
export function slowEngine(ms: number): Engine {
  const engine = fixtureEngine();
  return {
    ...engine,
    ask(question) {
      const until = performance.now() + ms;
      while (performance.now() < until);
      return engine.ask(question);
    },
  };
}

let loaded: Engine | undefined;
/** The real engine over the project's content, loaded once per test file. */
export function realEngine(): Engine {
  loaded ??= loadEngine({ root: projectRoot });
  return loaded;
}

export interface RunningWebChat {
  port: number;
  url: string;
  channel: WebChannel;
  records: () => Record<string, unknown>[];
  close(): Promise<void>;
}

/** The real shared HTTP server with the web channel on it, on a free port. */
export async function startWebChat(options: Partial<WebChannelOptions> & { extraChannels?: Channel[] } = {}): Promise<RunningWebChat> {
  const { logger, records } = memoryLogger();
  const channel = createWebChannel({ engine: options.engine ?? fixtureEngine(), logger, ...options });
  const { port, close } = await serveChannels([...(options.extraChannels ?? []), channel], logger, [channel]);
  return { port, url: `http://127.0.0.1:${port}`, channel, records, close };
}

export interface TestClient {
  socket: WebSocket;
  /** Every frame received so far, parsed. */
  received: WebMessage[];
  /** The next frame not yet taken by `next`. */
  next(timeoutMs?: number): Promise<WebMessage>;
  /** Resolves with the close code. */
  closed: Promise<number>;
  send(value: unknown): void;
}

/** A ws client that defaults to the page's own origin. */
export async function openClient(port: number, options: { autoPong?: boolean; headers?: Record<string, string> } = {}): Promise<TestClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
    origin: `http://127.0.0.1:${port}`,
    autoPong: options.autoPong ?? true,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const received: WebMessage[] = [];
  const waiters: ((m: WebMessage) => void)[] = [];
  let taken = 0;
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as WebMessage;
    received.push(message);
    waiters.shift()?.(message);
  });
  const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    received,
    closed,
    send: (value) => socket.send(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value)),
    next(timeoutMs = 3_000) {
      const index = taken++;
      const ready = received[index];
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no frame #${index + 1} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
    },
  };
}

/** Try to open a socket; resolves with the HTTP status of a refused upgrade, or 101. */
export function upgradeStatus(port: number, headers: Record<string, string>, path = '/ws'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}
