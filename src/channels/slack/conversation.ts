import type { webApi } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { SlackMessage } from './blocks.js';
import { deliver } from './deliver.js';
import { currentDelivery } from './outbox.js';

/** The fields of `message` and `app_mention` events this channel looks at. */
export interface IncomingMessage {
  type: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
  hidden?: boolean;
}

export interface Target {
  channel: string;
  thread_ts?: string;
}

/** DM channel ids start with D. */
export const isDirectChannel = (channel: string | undefined): boolean => typeof channel === 'string' && channel.startsWith('D');

/**
 * Only plain messages from people are questions: no bots (this one included),
 * no edits, deletes, joins or any other subtype.
 */
export function isFromPerson(event: IncomingMessage, botUserId: string | undefined): boolean {
  if (event.subtype !== undefined || event.hidden || event.bot_id !== undefined) return false;
  if (typeof event.user !== 'string' || event.user === '' || event.user === botUserId) return false;
  return typeof event.text === 'string';
}

/** In a DM answer in place (or in its thread); in a channel always in the thread of the question. */
export function replyTarget(event: Pick<IncomingMessage, 'channel' | 'ts' | 'thread_ts'>): Target {
  if (isDirectChannel(event.channel)) return event.thread_ts ? { channel: event.channel, thread_ts: event.thread_ts } : { channel: event.channel };
  return { channel: event.channel, thread_ts: event.thread_ts ?? event.ts };
}

/** A conversation's key for the question log: the channel, and the thread when there is one. */
export const conversationOf = (target: Target): string => (target.thread_ts ? `${target.channel}:${target.thread_ts}` : target.channel);

/** The conversation a reply belongs to: a DM is one conversation, a channel thread is one. */
export const conversationKey = (target: Target): string => (isDirectChannel(target.channel) ? `dm:${target.channel}` : conversationOf(target));

/**
 * Post a rendered message; failures are logged by `deliver`, never thrown.
 * Inside an outbox delivery the answer is posted once: not again when an
 * earlier delivery already posted it, and its ts is recorded.
 */
export function post(client: webApi.WebClient, logger: Logger, target: Target, message: SlackMessage, fields: Record<string, unknown> = {}) {
  const args = { ...target, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false };
  const delivery = currentDelivery();
  const record = { call: 'chat.postMessage', channel: target.channel, ...fields };
  if (!delivery) return deliver(logger, record, () => client.chat.postMessage(args));
  return delivery.postOnce(client, target, (metadata) =>
    deliver(logger, { ...record, outboxId: delivery.entry.id }, () =>
      client.chat.postMessage({ ...args, metadata }).catch((err: unknown) => {
        delivery.failedWith(err);
        throw err;
      }),
    ),
  );
}
