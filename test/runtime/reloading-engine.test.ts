import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createReloadingEngine, watchContent, type ContentWatcher } from '../../src/runtime/reloading-engine.js';
import { memoryLogger, startWebChat } from '../channels/web/helpers.js';
import { fixtureWith } from '../support/content-fixture.js';

const ANSWER = 'Talks began in May, between Alpha Corp and the city.';
const NEW_ANSWER = 'Talks began in May (edited while running).';

let dirs: string[] = [];
let watchers: ContentWatcher[] = [];
afterEach(() => {
  for (const w of watchers) w.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  watchers = [];
});

function running() {
  const root = fixtureWith((yaml) => yaml);
  dirs.push(root);
  const { logger, records } = memoryLogger();
  const engine = createReloadingEngine({ root, logger });
  const intentsFile = join(root, 'intents', 'intents.yaml');
  const edit = (change: (yaml: string) => string): void => writeFileSync(intentsFile, change(readFileSync(intentsFile, 'utf8')));
  return { root, engine, records, edit };
}

/** Resolves when `check` holds, polling the way a person re-asks; fails after `ms`. */
async function eventually(check: () => boolean, ms = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('an author edits the content while the bot runs', () => {
  it('a saved edit gives the new answer without a restart, once the file watch settles', async () => {
    const { root, engine, edit, records } = running();
    const before = engine.version;
    expect(engine.ask('When did the talks start?').answer).toBe(ANSWER);
    watchers.push(watchContent([join(root, 'intents'), join(root, 'knowledge')], () => engine.reload('file change'), { debounceMs: 50 }));
    edit((yaml) => yaml.replace(ANSWER, NEW_ANSWER));
    await eventually(() => engine.ask('When did the talks start?').answer === NEW_ANSWER);
    expect(engine.version).not.toBe(before);
    expect(records().find((r) => r.event === 'content_reloaded')).toMatchObject({ from: before, to: engine.version, reason: 'file change' });
  });

  it('a broken edit leaves the old content answering, and logs where the problem is (file:line:column)', () => {
    const { engine, edit, records } = running();
    const before = engine.version;
    edit((yaml) => yaml.replace('  - id: talks-start\n', '  - id: talks-start\n    questions: [unclosed\n'));
    expect(engine.reload('SIGHUP')).toMatchObject({ status: 'rejected', version: before });
    expect(engine.version).toBe(before);
    expect(engine.ask('When did the talks start?').answer).toBe(ANSWER);
    const rejected = records().find((r) => r.event === 'content_reload_rejected') as { problems: string[] };
    expect(rejected.problems[0]).toMatch(/^intents\/intents\.yaml:\d+:\d+: /);
  });

  it('an edit that breaks validation (a source not in the article) is refused the same way', () => {
    const { engine, edit } = running();
    edit((yaml) => yaml.replace(/source: .*/, 'source: "words the article never says"'));
    const outcome = engine.reload('SIGHUP');
    expect(outcome.status).toBe('rejected');
    expect(engine.ask('When did the talks start?').answer).toBe(ANSWER);
  });

  it('a save with no change rebuilds nothing', () => {
    const { engine, edit } = running();
    edit((yaml) => yaml);
    expect(engine.reload('file change')).toEqual({ status: 'unchanged', version: engine.version });
  });

  it('a question in flight during the swap is answered by one consistent version', async () => {
    const { engine, edit } = running();
    const old = engine.current;
    // Channels read the engine's pieces around an answer (ask, then article, then version): hold one
    // reference across a swap and every piece comes from the version that answered.
    const inFlight = engine.current;
    edit((yaml) => yaml.replace(ANSWER, NEW_ANSWER));
    expect(engine.reload('SIGHUP').status).toBe('swapped');
    expect(inFlight).toBe(old);
    expect(inFlight.ask('When did the talks start?').answer).toBe(ANSWER);
    expect(inFlight.version).not.toBe(engine.version);
    // Many questions interleaved with swaps: each reply matches exactly one version's content.
    const seen = new Set<string | null>();
    for (let i = 0; i < 40; i++) {
      if (i % 10 === 5) {
        edit((yaml) => (yaml.includes(NEW_ANSWER) ? yaml.replace(NEW_ANSWER, ANSWER) : yaml.replace(ANSWER, NEW_ANSWER)));
        engine.reload('SIGHUP');
      }
      await new Promise((r) => setImmediate(r));
      seen.add(engine.ask('When did the talks start?').answer);
    }
    expect([...seen].sort()).toEqual([NEW_ANSWER, ANSWER].sort());
  });

  it("the web chat's GET /api/article follows the swap", async () => {
    const { engine, root } = running();
    const web = await startWebChat({ engine });
    try {
      const title = async (): Promise<string> => ((await (await fetch(`${web.url}/api/article`)).json()) as { title: string }).title;
      expect(await title()).toBe('A small fixture article about a new plant');
      const metadata = join(root, 'knowledge', 'metadata.yaml');
      writeFileSync(metadata, readFileSync(metadata, 'utf8').replace(/title: .*/, 'title: "A retitled article"'));
      expect(engine.reload('SIGHUP').status).toBe('swapped');
      expect(await title()).toBe('A retitled article');
    } finally {
      await web.close();
    }
  });
});
