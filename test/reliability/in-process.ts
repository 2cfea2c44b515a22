import type { Harness } from '../channels/slack/harness.js';
import type { SlackTarget } from './target.js';

/** The in-process Slack harness (test/channels/slack) as a scenario target, for `npm test`. */
export function inProcess(h: Harness, mode: 'http' | 'socket'): SlackTarget {
  const parsed: Record<string, unknown>[] = [];
  return {
    mode,
    sim: h.sim,
    sender: h.sender,
    baseUrl: `http://127.0.0.1:${h.port}`,
    // Parsed as they come, so scenarios may poll the logs cheaply.
    records: () => {
      for (const line of h.logs.lines.slice(parsed.length)) parsed.push(JSON.parse(line) as Record<string, unknown>);
      return parsed;
    },
    alive: () => true,
  };
}
