import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseStoreConfig } from '../config.js';
import { defaultPaths, loadContent } from '../core/content.js';
import { AppError, StoreError } from '../errors.js';
import { acceptGroup, type AcceptResult, type Figures } from '../review/accept.js';
import type { IntentKind, NearestIntent, ReviewGroup } from '../review/group.js';
import { buildReview, findGroup, type Review } from '../review/review.js';
import { openStore, sqlitePath, type ReviewFilter } from '../store/store.js';
import { renderReviewHtml } from './review-html.js';
import { projectRoot } from '../project-root.js';

const USAGE = `Usage: npm run review -- [--since 7d|24h|2026-01-31] [--channel slack|web] [--json] [--html FILE] [--limit N]
       npm run review -- --accept GROUP (--intent ID | --unanswerable ID) [--force]`;

class UsageError extends Error {}

/** `7d`, `24h`, `90m` back from now, or a date / ISO time. */
export function parseSince(value: string, now = Date.now()): string {
  const relativeTime = /^(\d+)\s*([dhm])$/i.exec(value.trim());
  if (relativeTime) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[(relativeTime[2] as string).toLowerCase() as 'd' | 'h' | 'm'];
    return new Date(now - Number(relativeTime[1]) * unit).toISOString();
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new UsageError(`--since must be like 7d, 24h, 90m or a date such as 2026-01-31 (got "${value}")`);
  return at.toISOString();
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

const tag = (n: NearestIntent): string => (n.kind && n.kind !== 'article' ? ` (${n.kind})` : '');

function groupLines(title: string, groups: readonly ReviewGroup[], limit: number): string[] {
  const total = groups.reduce((n, g) => n + g.count, 0);
  const out = [``, `${title}: ${total} questions in ${groups.length} groups`];
  for (const g of groups.slice(0, limit)) {
    const nearest = g.nearest.map((n) => `${n.intent}${tag(n)} ${n.score.toFixed(2)}`).join(', ') || 'none logged';
    const wordings = g.questions.length > 1 ? ` (+${g.questions.length - 1} wordings)` : '';
    out.push(`  ${g.id}  ${String(g.count).padStart(5)}×  "${g.question}"${wordings}`);
    out.push(
      `            nearest: ${nearest}; seen ${g.firstSeen.slice(0, 16)} … ${g.lastSeen.slice(0, 16)}${g.answeredBy ? `; answered by ${g.answeredBy.map((a) => a.intent).join(', ')}` : ''}`,
    );
  }
  if (groups.length > limit) out.push(`  … ${groups.length - limit} more groups in the HTML report (or --limit ${groups.length})`);
  return out;
}

function summary(review: Review, store: string, limit: number): string {
  const asked = Object.values(review.totals).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(review.totals)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const scope = [
    review.filter.since ? `since ${review.filter.since}` : 'all kept',
    review.filter.channel ? `on ${review.filter.channel}` : 'every channel',
  ].join(', ');
  return [
    `Question log ${store} (${scope}): ${asked} questions${kinds ? ` (${kinds})` : ''}${review.redacted > 0 ? `; ${review.redacted} kept without text` : ''}`,
    ...groupLines('Unanswered (no match)', review.unanswered, limit),
    ...groupLines('Unsure (did you mean)', review.unsure, limit),
    ...groupLines('Voted 👎', review.disliked, limit),
  ].join('\n');
}

function figureLines(before: Figures, after: Figures): string[] {
  const row = (label: string, key: keyof Figures): string => `  ${label.padEnd(32)} ${pct(before[key]).padStart(7)} → ${pct(after[key]).padStart(7)}`;
  return [
    `Evaluation (${after.questions} labelled questions)   before     after`,
    row('in-scope top-1 accuracy', 'inScopeTop1'),
    row('abstention on unanswerable', 'abstention'),
    row('wrong answers among answered', 'wrongAmongAnswered'),
    row('coverage of answerable', 'coverage'),
  ];
}

function acceptLines(result: AcceptResult, group: ReviewGroup, intent: string): string[] {
  if (!result.accepted) return [`Refused: nothing was written.`, ...result.reasons.map((r) => `  ${r}`)];
  const out = [`Added ${result.added.length} question(s) of group ${group.id} to ${intent} in ${result.file}:`, ...result.added.map((q) => `  - ${q}`)];
  if (result.conflicts.length > 0) out.push(`(--force: ${result.conflicts.length} of them matched another intent before)`);
  out.push(`Now matching ${intent}: ${result.nowMatching} of ${result.added.length}`);
  if (result.before && result.after) out.push('', ...figureLines(result.before, result.after));
  out.push('', 'A running bot picks the change up by itself (or send it SIGHUP).');
  return out;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      since: { type: 'string' },
      channel: { type: 'string' },
      json: { type: 'boolean' },
      html: { type: 'string' },
      limit: { type: 'string' },
      accept: { type: 'string' },
      intent: { type: 'string' },
      unanswerable: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.channel !== undefined && !['slack', 'web'].includes(values.channel)) throw new UsageError('--channel must be slack or web');
  if (values.accept && !values.intent === !values.unanswerable) throw new UsageError('--accept needs exactly one of --intent ID or --unanswerable ID');
  const limit = values.limit === undefined ? 10 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError('--limit must be a whole number');
  const filter: ReviewFilter = { ...(values.since ? { since: parseSince(values.since) } : {}), ...(values.channel ? { channel: values.channel } : {}) };

  // The same DATABASE_URL (and .env) as the app.
  const envFile = resolve(projectRoot, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = parseStoreConfig(process.env);
  if (config.url.startsWith('sqlite:') && !existsSync(sqlitePath(config.url, projectRoot))) {
    throw new StoreError(`No question log at DATABASE_URL=${config.url} yet: start the bot (npm start), ask it something, then review.`);
  }
  const content = loadContent(defaultPaths(projectRoot), projectRoot);
  const store = await openStore({ url: config.url, root: projectRoot });
  let review: Review;
  try {
    const intents = new Map(content.intents.map((i) => [i.id, i]));
    const kindOf = (id: string): IntentKind => {
      const intent = intents.get(id);
      return !intent ? 'gone' : intent.unanswerable ? 'unanswerable' : intent.chat ? 'chat' : 'article';
    };
    review = await buildReview(store, (text) => content.normalizer.tokens(text), filter, kindOf);
  } finally {
    await store.close();
  }

  if (values.accept) {
    const group = findGroup(review, values.accept);
    if (!group) throw new UsageError(`no group ${values.accept} with these filters; run npm run review (with the same --since/--channel) to list them`);
    const intent = (values.intent ?? values.unanswerable) as string;
    const result = acceptGroup({ root: projectRoot, group, intent, unanswerable: values.unanswerable !== undefined, force: values.force === true });
    process.stdout.write(`${acceptLines(result, group, intent).join('\n')}\n`);
    return result.accepted ? 0 : 1;
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ unanswered: review.unanswered, unsure: review.unsure, disliked: review.disliked })}\n`);
    return 0;
  }
  const html = resolve(values.html ?? join(projectRoot, 'reports', 'review.html'));
  mkdirSync(dirname(html), { recursive: true });
  writeFileSync(html, renderReviewHtml(review, { store: store.where, generatedAt: new Date().toISOString() }));
  process.stdout.write(`${summary(review, store.where, limit)}\n\nHTML report: ${relative(process.cwd(), html)}\n`);
  const first = review.unanswered[0] ?? review.unsure[0] ?? review.disliked[0];
  if (first) process.stdout.write(`Add a group's questions to an intent: npm run review -- --accept ${first.id} --intent ID\n`);
  return 0;
}

// `npm run review | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof UsageError || String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    if (usage) process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    else if (err instanceof AppError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`review failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
