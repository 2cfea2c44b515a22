import { watch, type FSWatcher } from 'node:fs';
import { contentVersion, defaultPaths, loadContent, type ContentPaths } from '../core/content.js';
import { createEngine, type InspectableEngine } from '../core/engine.js';
import type { Engine } from '../core/types.js';
import { formatContentProblem } from '../errors.js';
import type { Logger } from '../logger.js';

export type ReloadOutcome =
  | { status: 'swapped'; from: string; to: string; ms: number }
  | { status: 'unchanged'; version: string }
  | { status: 'rejected'; version: string; problems: string[] };

/**
 * The one Engine every channel holds. It delegates to the current content's
 * engine; `reload` validates the files on disk first and swaps only a good
 * engine in, in one assignment. `ask` is synchronous, so a question is always
 * answered by one version from start to end: a swap lands between questions.
 */
export interface ReloadingEngine extends Engine {
  readonly current: InspectableEngine;
  reload(reason: string): ReloadOutcome;
}

export interface ReloadingEngineOptions {
  root: string;
  logger: Logger;
  paths?: Partial<ContentPaths>;
  /** The engine already loaded at start (saves loading twice). */
  initial?: InspectableEngine;
}

export function createReloadingEngine(options: ReloadingEngineOptions): ReloadingEngine {
  const { root, logger } = options;
  const pathsNow = (): ContentPaths => ({ ...defaultPaths(root), ...options.paths });
  const build = (): InspectableEngine | { problems: string[] } => {
    const content = loadContent(pathsNow(), root);
    if (content.errors.length > 0) return { problems: content.errors.map(formatContentProblem) };
    return createEngine(content);
  };
  let current: InspectableEngine;
  if (options.initial) current = options.initial;
  else {
    const first = build();
    if ('problems' in first) throw new Error(`Invalid content:\n${first.problems.join('\n')}`);
    current = first;
  }

  return {
    get current() {
      return current;
    },
    get version() {
      return current.version;
    },
    get article() {
      return current.article;
    },
    get intents() {
      return current.intents;
    },
    ask: (question) => current.ask(question),
    converse: (question, context) => current.converse(question, context),
    answerIntent: (intentId) => current.answerIntent(intentId),
    examples: (count) => current.examples(count),

    reload(reason) {
      const started = performance.now();
      const from = current.version;
      // Cheap check first: an editor's touch or a save with no change rebuilds nothing.
      if (contentVersion(pathsNow()) === from) return { status: 'unchanged', version: from };
      let next: ReturnType<typeof build>;
      try {
        next = build();
      } catch (err) {
        next = { problems: [(err as Error).message] };
      }
      if ('problems' in next) {
        logger.error({ event: 'content_reload_rejected', reason, version: from, problems: next.problems });
        return { status: 'rejected', version: from, problems: next.problems };
      }
      current = next;
      const ms = Math.round(performance.now() - started);
      logger.info({ event: 'content_reloaded', reason, from, to: next.version, intents: next.intents.length, ms });
      return { status: 'swapped', from, to: next.version, ms };
    },
  };
}

export interface ContentWatcher {
  close(): void;
}

/**
 * Watch the content folders and call `onChange` once things settle: editors
 * write a file in several steps (temp file, rename), each an event.
 */
export function watchContent(dirs: readonly string[], onChange: () => void, options: { debounceMs?: number; logger?: Logger } = {}): ContentWatcher {
  const debounceMs = options.debounceMs ?? 300;
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      const watcher = watch(dir, { persistent: false }, fire);
      watcher.on('error', (err) => options.logger?.warn({ event: 'content_watch_failed', dir, reason: err.message }));
      watchers.push(watcher);
    } catch (err) {
      options.logger?.warn({ event: 'content_watch_failed', dir, reason: (err as Error).message });
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
