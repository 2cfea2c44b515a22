import { type RespondArguments, type RespondFn, webApi } from '@slack/bolt';
import type { SlackDeps } from '../../../../src/channels/slack/answering.js';
import { RecentKeys } from '../../../../src/channels/slack/dedupe.js';
import { payloads, SlackSim } from '../../../support/slack-sim/index.js';
import { BOT_TOKEN, captureLogs, type LogCapture, realEngine } from '../harness.js';

/**
 * What a listener is handed, as Bolt would hand it, with Slack itself played by
 * the simulator: a real WebClient calling the simulator's Web API, and a
 * respond() that posts to one of its response URLs. No Bolt App, no receiver:
 * these tests call one listener function directly.
 */
export interface ListenerKit {
  sim: SlackSim;
  logs: LogCapture;
  deps: SlackDeps;
  client: webApi.WebClient;
  /** What each ack() was called with, in order (undefined for a bare ack). */
  acks: unknown[];
  ack: (response?: unknown) => Promise<void>;
  /** A respond() bound to `url`, posting there as Bolt's does. */
  respondTo(url: string): RespondFn;
  context: { botUserId: string };
  close(): Promise<void>;
}

export async function startKit(deps: Partial<SlackDeps> = {}): Promise<ListenerKit> {
  const sim = await SlackSim.start();
  const logs = captureLogs();
  const acks: unknown[] = [];
  return {
    sim,
    logs,
    deps: { engine: realEngine(), logger: logs.logger, recent: new RecentKeys(), ...deps },
    client: new webApi.WebClient(BOT_TOKEN, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } }),
    acks,
    ack: async (response?: unknown) => {
      acks.push(response);
    },
    respondTo(url: string): RespondFn {
      const respond = async (message: string | RespondArguments) => {
        const body = typeof message === 'string' ? { text: message } : message;
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`response_url answered ${res.status}`);
        return res;
      };
      // DOM's Headers type lacks entries() without DOM.Iterable; the runtime object is the same.
      return respond as unknown as RespondFn;
    },
    context: { botUserId: payloads.BOT_USER_ID },
    close: () => sim.close(),
  };
}

/** The arguments Bolt passes a button listener, for one block_actions payload. */
export function buttonArgs<T>(kit: ListenerKit, body: Record<string, unknown>): T {
  const action = (body.actions as unknown[])[0];
  return {
    ack: kit.ack,
    body,
    action,
    payload: action,
    client: kit.client,
    respond: kit.respondTo(body.response_url as string),
    context: kit.context,
    logger: kit.deps.logger,
    next: async () => {},
  } as T;
}

/** The arguments Bolt passes an event listener. */
export function eventArgs<T>(kit: ListenerKit, event: Record<string, unknown>): T {
  return {
    event,
    payload: event,
    body: payloads.eventCallback(event),
    client: kit.client,
    context: kit.context,
    logger: kit.deps.logger,
    next: async () => {},
  } as T;
}

/** The arguments Bolt passes a slash command listener. */
export function commandArgs<T>(kit: ListenerKit, fields: Record<string, string>): T {
  return {
    command: fields,
    payload: fields,
    body: fields,
    ack: kit.ack,
    respond: kit.respondTo(fields.response_url as string),
    client: kit.client,
    context: kit.context,
    next: async () => {},
  } as T;
}
