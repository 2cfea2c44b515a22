import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, RespondArguments, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Engine, Reply } from '../../../../core/types.js';
import { type AnswerOptions, type SlackDeps, answer, answerChoice } from '../../answering.js';
import {
  ACTION,
  ACTION_PATTERN,
  type AnswerRef,
  type Block,
  decodeAnswerRef,
  renderContext,
  renderNotice,
  type SlackMessage,
  withFeedbackAck,
} from '../../blocks.js';
import { isDirectChannel, post, type Target } from '../../conversation.js';
import { deliver } from '../../deliver.js';
import { SLACK_MESSAGES } from '../../messages.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const isEphemeral = (body: BlockAction): boolean => body.container?.is_ephemeral === true || !body.message;

/** Where a button's answer goes: the clicked message's thread in a channel, the DM itself in a DM. */
function targetOf(body: BlockAction): Target | null {
  const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
  const message = body.message;
  if (!channel || !message) return null;
  const thread = typeof message.thread_ts === 'string' ? message.thread_ts : undefined;
  if (isDirectChannel(channel)) return thread ? { channel, thread_ts: thread } : { channel };
  return { channel, thread_ts: thread ?? message.ts };
}

const EPHEMERAL: RespondArguments = { response_type: 'ephemeral', replace_original: false };

/** Post to the action's response_url (works for ephemeral messages and channels the bot is not in). */
function respondWith(deps: SlackDeps, respond: RespondFn, message: SlackMessage, extra: RespondArguments, fields: Record<string, unknown>) {
  return deliver(deps.logger, { call: 'response_url', ...fields }, () => respond({ ...extra, text: message.text, blocks: message.blocks }));
}

/** The engine's answer to the intent a button refers to, echoing the asker's own question. */
const refAnswer = (ref: AnswerRef) => (engine: Engine): Reply | undefined => {
  const reply = engine.answerIntent(ref.intent);
  return reply && { ...reply, question: ref.question };
};

/** "Did you mean" and related-question buttons: answer the chosen intent. */
export function answerButton(deps: SlackDeps) {
  return async function answerButtonListener(args: ButtonArgs): Promise<void> {
    const { ack, body, action, client } = args;
    await ack();
    const user = body.user.id;
    const target = targetOf(body);
    const options: AnswerOptions = { surface: 'button', user, echo: true, attribute: target !== null, share: target === null };
    const { message } = answerChoice(deps, action.value ?? '', action.text?.text, options);
    if (isEphemeral(body) || !target) {
      await respondWith(deps, args.respond, message, EPHEMERAL, { surface: 'button', user });
      return;
    }
    await post(client, deps.logger, target, message, { surface: 'button' });
  };
}

/** App Home example buttons: answer in the DM with the user (the app's Messages tab). */
export function answerFromHome(deps: SlackDeps) {
  return async function answerFromHomeListener({ ack, body, action, client }: ButtonArgs): Promise<void> {
    await ack();
    const { message } = answerChoice(deps, action.value ?? '', action.text?.text, { surface: 'home', user: body.user.id, echo: true });
    await post(client, deps.logger, { channel: body.user.id }, message, { surface: 'home' });
  };
}

/** "Show context": the sentence's paragraph, the sentence in bold, only to the person who asked for it. */
export function showContext(deps: SlackDeps) {
  return async function showContextListener(args: ButtonArgs): Promise<void> {
    await args.ack();
    let message: SlackMessage;
    try {
      message = renderContext(deps.engine.article, Number.parseInt(args.action.value ?? '', 10)) ?? renderNotice(SLACK_MESSAGES.contextMissing);
    } catch (err) {
      deps.logger.error({ event: 'slack_context_failed', user: args.body.user.id }, err);
      message = renderNotice(SLACK_MESSAGES.contextMissing);
    }
    await respondWith(deps, args.respond, message, EPHEMERAL, { surface: 'context' });
  };
}

/** 👍/👎: record the vote (and log it), then acknowledge it by updating the message. */
export function recordFeedback(deps: SlackDeps) {
  return async function recordFeedbackListener(args: ButtonArgs): Promise<void> {
    const { ack, body, action, client } = args;
    await ack();
    const vote = action.action_id === 'feedback_up' ? 'up' : 'down';
    const ref = decodeAnswerRef(action.value);
    const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
    deps.logger.info({ event: 'slack_feedback', vote, intent: ref?.intent ?? null, question: ref?.question ?? null, user: body.user.id, slackChannel: channel });
    // One vote per person per answer message: voting again on the same message replaces the vote.
    const answerKey = body.message?.ts ?? body.container?.message_ts ?? ref?.question ?? '';
    deps.questionLog?.feedback({
      channel: 'slack',
      key: `${channel ?? ''}:${String(answerKey)}:${body.user.id}`,
      vote,
      question: ref?.question ?? null,
      intent: ref?.intent ?? null,
      user: body.user.id,
      ...(channel ? { conversation: channel } : {}),
      version: deps.engine.version,
    });
    if (isEphemeral(body)) {
      if (!ref) return;
      const { reply, message } = answer(deps, refAnswer(ref), { surface: 'button', user: body.user.id, echo: true, share: true });
      if (!reply) return;
      await respondWith(
        deps,
        args.respond,
        { text: message.text, blocks: withFeedbackAck(message.blocks, vote) },
        { replace_original: true },
        { surface: 'feedback' },
      );
      return;
    }
    const original = body.message;
    if (!channel || !original) return;
    const blocks = withFeedbackAck((original.blocks ?? []) as Block[], vote);
    await deliver(deps.logger, { call: 'chat.update', channel, surface: 'feedback' }, () =>
      client.chat.update({ channel, ts: original.ts, text: original.text ?? '', blocks }),
    );
  };
}

/** "Share in channel": post the ephemeral answer for everyone, attributed to the asker. */
export function shareAnswer(deps: SlackDeps) {
  return async function shareAnswerListener(args: ButtonArgs): Promise<void> {
    const { ack, body, action } = args;
    await ack();
    const ref = decodeAnswerRef(action.value);
    if (!ref) return;
    const user = body.user.id;
    const { reply, message } = answer(deps, refAnswer(ref), { surface: 'button', user, echo: true, attribute: true });
    if (!reply) {
      await respondWith(deps, args.respond, message, EPHEMERAL, { surface: 'share' });
      return;
    }
    const shared = await respondWith(deps, args.respond, message, { response_type: 'in_channel', replace_original: false }, { surface: 'share', user });
    if (shared) {
      await deliver(deps.logger, { call: 'response_url', surface: 'share', step: 'delete_original' }, () => args.respond({ delete_original: true }));
    } else {
      await respondWith(deps, args.respond, renderNotice(SLACK_MESSAGES.shareFailed), EPHEMERAL, { surface: 'share' });
    }
  };
}

export function registerActionListeners(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_PATTERN.askIntent, answerButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION_PATTERN.homeAsk, answerFromHome(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.showContext, showContext(deps));
  app.action<BlockAction<ButtonAction>>(ACTION_PATTERN.feedback, recordFeedback(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.share, shareAnswer(deps));
}
