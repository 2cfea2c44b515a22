import type { AllMiddlewareArgs, BlockAction, ButtonAction, RespondArguments, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Engine, Reply } from '../../../../core/types.js';
import type { SlackDeps } from '../../answering.js';
import type { AnswerRef, SlackMessage } from '../../blocks.js';
import { isDirectChannel, type Target } from '../../conversation.js';
import { deliver } from '../../deliver.js';

// What the button listeners share: where an answer goes, and how to answer through response_url.

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export const isEphemeral = (body: BlockAction): boolean => body.container?.is_ephemeral === true || !body.message;

/** Where a button's answer goes: the clicked message's thread in a channel, the DM itself in a DM. */
export function targetOf(body: BlockAction): Target | null {
  const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
  const message = body.message;
  if (!channel || !message) return null;
  const thread = typeof message.thread_ts === 'string' ? message.thread_ts : undefined;
  if (isDirectChannel(channel)) return thread ? { channel, thread_ts: thread } : { channel };
  return { channel, thread_ts: thread ?? message.ts };
}

export const EPHEMERAL: RespondArguments = { response_type: 'ephemeral', replace_original: false };

/** Post to the action's response_url (works for ephemeral messages and channels the bot is not in). */
export function respondWith(deps: SlackDeps, respond: RespondFn, message: SlackMessage, extra: RespondArguments, fields: Record<string, unknown>) {
  return deliver(deps.logger, { call: 'response_url', ...fields }, () => respond({ ...extra, text: message.text, blocks: message.blocks }));
}

/** The engine's answer to the intent a button refers to, echoing the asker's own question. */
export const refAnswer =
  (ref: AnswerRef) =>
  (engine: Engine): Reply | undefined => {
    const reply = engine.answerIntent(ref.intent);
    return reply && { ...reply, question: ref.question };
  };
