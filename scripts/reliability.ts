/**
 * `npm run reliability`: the reliability and abuse scenarios of issue 5 against
 * the real built app (`node --unhandled-rejections=strict dist/main.js`, one
 * process per Slack mode) on 127.0.0.1, with the Slack simulator from
 * test/support/slack-sim. Prints the figures table and writes it to
 * docs/reliability.md with the date and machine.
 *
 *   npm run reliability                      # full run, 5-minute soak
 *   npm run reliability -- --soak-seconds 30 # quick check
 *   npm run reliability -- --only 1,6        # just these scenarios; docs/reliability.md is left alone
 *   npm run reliability -- --only 11-16      # the service rows (issue 12): the abuse probe's attacks, SIGTERM
 *
 * One copy of everything: the scenarios live in test/reliability/ (vitest
 * runs the same functions in process, behaviours only) and the simulator in
 * test/support/slack-sim/; scripts/reliability.tsconfig.json compiles this
 * file and what it imports into dist/reliability/, next to the app's build.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } from '../test/channels/slack/harness.js';
import { AppProcess } from '../test/reliability/app-process.js';
import { Article, emptyLimitStats, type Row, row } from '../test/reliability/checks.js';
import {
  badRequestScenario,
  hugeQuestionScenario,
  loadScenario,
  retryScenario,
  socketModeScenario,
  webApiFaultScenario,
} from '../test/reliability/slack-scenarios.js';
import type { SlackTarget } from '../test/reliability/target.js';
import { askBySlashCommand, fuzzStrings, hostileTextScenario, limitsScenario } from '../test/reliability/text-scenarios.js';
import { replicasScenario, sigkillScenario, sigtermBacklogScenario } from '../test/reliability/outbox-scenarios.js';
import { soakScenario, type WebTarget, webAbuseScenario } from '../test/reliability/web-scenarios.js';
import {
  floodVsAcksScenario,
  idleSocketsScenario,
  sigtermScenario,
  slowDripScenario,
  unauthenticatedBodiesScenario,
  upgradeHeaderScenario,
} from '../test/reliability/service-scenarios.js';
import { createTestDatabase, postgresProblem } from '../test/support/postgres.js';
import { SlackSender, SlackSim } from '../test/support/slack-sim/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');
const built = resolve(here, '..');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at === -1 ? undefined : Number(process.argv[at + 1]);
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0 || value > 3_600) throw new Error(`${name} takes a number of seconds from 1 to 3600`);
  return value;
}

const soakSeconds = option('--soak-seconds', 300);

const LAST_SCENARIO = 19;

/** Scenario numbers given with --only, or null for all of them. */
const only = ((): Set<number> | null => {
  const at = process.argv.indexOf('--only');
  if (at === -1) return null;
  const numbers = (process.argv[at + 1] ?? '').split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number) as [number, number?];
    return Array.from({ length: Math.max(0, (to ?? from) - from + 1) }, (_, i) => from + i);
  });
  if (numbers.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < 1 || n > LAST_SCENARIO)) {
    throw new Error(`--only takes scenario numbers from 1 to ${LAST_SCENARIO}, e.g. --only 1,6 or --only 11-16`);
  }
  return new Set(numbers);
})();

/** The real app in its own process, as a scenario target. */
async function startApp(mode: 'http' | 'socket', sim: SlackSim, webChat: boolean): Promise<{ app: AppProcess; target: SlackTarget; web: WebTarget }> {
  const app = await AppProcess.start({
    root,
    preload: resolve(built, 'test/reliability/heap-probe.js'),
    env: {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: mode === 'http' ? SIGNING_SECRET : '',
      SLACK_APP_TOKEN: mode === 'socket' ? APP_TOKEN : '',
      SLACK_API_URL: sim.apiUrl,
      WEB_CHAT: webChat ? 'on' : 'off',
    },
  });
  const target: SlackTarget = {
    mode,
    sim,
    sender: new SlackSender(`${app.baseUrl}/slack/events`, SIGNING_SECRET),
    baseUrl: app.baseUrl,
    records: () => app.records,
    alive: () => app.alive,
    memory: () => app.memory(),
    heap: () => app.heap(),
  };
  return { app, target, web: { port: app.port, alive: () => app.alive, heap: () => app.heap() } };
}

/** Acked means answered: SIGKILL, SIGTERM with a backlog (SQLite files of their own), two replicas on PostgreSQL. */
async function outboxSections(rows: Row[], sim: () => Promise<SlackSim>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-outbox-'));
  try {
    await section(rows, '17. SIGKILL', async () => sigkillScenario({ root, sim: await sim(), databaseUrl: `sqlite:${join(dir, 'kill.sqlite')}`, events: 200 }));
    await section(rows, '18. SIGTERM backlog', async () =>
      sigtermBacklogScenario({ root, sim: await sim(), databaseUrl: `sqlite:${join(dir, 'term.sqlite')}`, events: 500, graceMs: 2_000 }),
    );
    await section(rows, '19. Two replicas', async () => {
      const problem = await postgresProblem();
      if (problem) return [row('19. Two replicas', 'two replicas on one PostgreSQL', `not run: PostgreSQL not reachable (${problem})`, 'run', false)];
      const database = await createTestDatabase();
      try {
        return await replicasScenario({ root, sim: await sim(), databaseUrl: database.url, same: 100, events: 200 });
      } finally {
        await database.drop();
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function section(rows: Row[], name: string, run: () => Promise<Row[]> | Row[]): Promise<void> {
  if (only && !only.has(Number.parseInt(name, 10))) return;
  const started = Date.now();
  process.stderr.write(`${name}…`);
  try {
    rows.push(...(await run()));
  } catch (err) {
    rows.push(row(name, 'scenario ran to the end', `threw: ${err instanceof Error ? err.message : String(err)}`, 'no error', false));
  }
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: Row[]): string {
  const lines = ['| Scenario | Measured | Figure | Target | Result |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${cell(r.scenario)} | ${cell(r.measured)} | ${cell(r.figure)} | ${cell(r.target)} | ${r.pass ? 'pass' : '**FAIL**'} |`);
  return lines.join('\n');
}

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${platform()} ${release()} ${arch()}, Node ${process.version}`;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const started = new Date();
  const article = new Article(root);
  const limits = emptyLimitStats();
  const sims: SlackSim[] = [];
  const apps: AppProcess[] = [];
  /** Apps a scenario stops on purpose (SIGTERM): their exit is the point, not a crash. */
  const terminated = new Set<AppProcess>();
  const sim = async (): Promise<SlackSim> => {
    const s = await SlackSim.start();
    sims.push(s);
    return s;
  };

  try {
    const httpSim = await sim();
    const http = await startApp('http', httpSim, true);
    apps.push(http.app);
    const floor = await AppProcess.start({ root, script: resolve(built, 'test/reliability/floor-app.js'), env: { SLACK_SIGNING_SECRET: SIGNING_SECRET } });
    apps.push(floor);

    await section(rows, '1. Load', () => loadScenario(http.target, { events: 1_000, rounds: 3, floorUrl: `${floor.baseUrl}/slack/events` }));
    await floor.stop();
    await section(rows, '2. Retries', () => retryScenario(http.target, { delayMs: 2_000 }));
    await section(rows, '3. Huge question', () => hugeQuestionScenario(http.target, { others: 50 }));
    await section(rows, '4. Bad requests', () => badRequestScenario(http.target, { hugeBytes: 10 * 1024 * 1024, hugeCount: 4 }));
    await section(rows, '5. Web API faults', () => webApiFaultScenario(http.target, { timeoutMs: 10_000, retries: 2 }));
    await section(rows, '7. Hostile text', () =>
      hostileTextScenario(http.target, { article, limits, fuzz: fuzzStrings(10_000), ask: askBySlashCommand(http.target), batch: 100 }),
    );
    await section(rows, '9. Web chat abuse', () => webAbuseScenario(http.web, { connections: 1_000, wave: 25 }));
    // The abuse probe's attacks on the service (issue 12).
    await section(rows, '15. Upgrade header', () => upgradeHeaderScenario(http.target, SIGNING_SECRET));
    await section(rows, '11. Slow drip', () => slowDripScenario(http.target, { events: 20, drips: 5, secret: SIGNING_SECRET, bodyTimeoutMs: 5_000 }));
    await section(rows, '12. Unauthenticated bodies', () => unauthenticatedBodiesScenario(http.target, { count: 200, bytes: 1024 * 1024, events: 50 }));
    await section(rows, '14. Web chat flood vs Slack acks', () =>
      floodVsAcksScenario(http.target, http.web, { events: 500, rounds: 5, clients: 20, depth: 3, inChildProcess: true }),
    );
    await section(rows, '16. SIGTERM with a backlog', () =>
      sigtermScenario(
        async () => {
          const own = await startApp('http', await sim(), false);
          apps.push(own.app);
          terminated.add(own.app);
          return { target: own.target, terminate: () => own.app.stop().then(() => own.app.exit ?? { code: null, signal: null }) };
        },
        { events: 500, graceMs: 10_000, sigtermAfterMs: 150 },
      ),
    );
    await section(rows, '13. Idle websockets', () => idleSocketsScenario(http.web, { sockets: 500, addresses: 50, perAddressCap: 50, silentEvictMs: 10_000 }));

    const socketSim = await sim();
    const socket = await startApp('socket', socketSim, false);
    apps.push(socket.app);
    await section(rows, '6. Socket Mode', () => socketModeScenario(socket.target, { everyMs: 100 }));

    // The soak gets fresh processes and simulators, so its heap figures start clean.
    const soakHttp = await startApp('http', await sim(), true);
    const soakSocket = await startApp('socket', await sim(), false);
    apps.push(soakHttp.app, soakSocket.app);
    await section(rows, '10. Soak', () =>
      soakScenario(soakHttp.target, soakSocket.target, soakHttp.web, {
        seconds: soakSeconds,
        reconnectEveryMs: soakSeconds >= 120 ? 60_000 : Math.max(5_000, (soakSeconds * 1_000) / 4),
        slackEveryMs: 100,
        webClients: 8,
        webEveryMs: 1_000,
        warmupMs: Math.min(30_000, soakSeconds * 100),
      }),
    );
    await section(rows, '8. Slack limits', () => limitsScenario(sims, limits));
    await outboxSections(rows, sim);
    const exits = apps.filter((a) => a !== floor && !terminated.has(a) && !a.alive);
    rows.push(
      row(
        'All',
        'app processes (node --unhandled-rejections=strict dist/main.js) that exited during the run',
        exits.length === 0
          ? `0 of ${apps.length - 1 - terminated.size}`
          : exits.map((a) => `${JSON.stringify(a.exit)} ${a.stderr.join('').slice(0, 300)}`).join('; '),
        '0',
        exits.length === 0,
      ),
    );
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(sims.map((s) => s.close()));
  }

  const order = (r: Row): number => Number.parseInt(r.scenario, 10) || 99;
  rows.sort((a, b) => order(a) - order(b));
  const failed = rows.filter((r) => !r.pass).length;
  const took = Math.round((Date.now() - started.getTime()) / 1000);
  const text = table(rows);
  process.stdout.write(`\n${text}\n\n${rows.length - failed}/${rows.length} rows pass (${took} s)\n`);
  const doc = [
    '# Reliability and abuse figures',
    '',
    `Measured by \`npm run reliability${soakSeconds === 300 ? '' : ` -- --soak-seconds ${soakSeconds}`}\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC,`,
    `on ${machine()}. The run took ${took} s; ${rows.length - failed} of ${rows.length} rows pass.`,
    '',
    'The app is the real build (`node --unhandled-rejections=strict dist/main.js`, one process per Slack mode,',
    'the HTTP-mode process also serving the web chat) talking to the Slack simulator in `test/support/slack-sim/` over 127.0.0.1.',
    'The load floor is a bare Bolt app on its own HTTP receiver that only acks, in its own process, measured in the same run.',
    'How each figure is measured: `test/reliability/*-scenarios.ts`; `npm test` checks the same behaviours (not the timings) in process.',
    '',
    text,
    '',
  ].join('\n');
  process.exitCode = failed === 0 ? 0 : 1;
  if (only) return;
  writeFileSync(resolve(root, 'docs', 'reliability.md'), doc);
  process.stderr.write('Written to docs/reliability.md\n');
}

await main();
