import { type SlackDeps, answer } from '../../answering.js';
import { type Block, decodeAnswerRef, withFeedbackAck } from '../../blocks.js';
import { deliver } from '../../deliver.js';
import { type ButtonArgs, isEphemeral, refAnswer, respondWith } from './respond.js';

/** 👍/👎: record the vote (and log it), then acknowledge it by updating the message. */
export function recordFeedback(deps: SlackDeps) {
  return async function recordFeedbackListener(args: ButtonArgs): Promise<void> {
    const { ack, body, action, client } = args;
    await ack();
    const vote = action.action_id === 'feedback_up' ? 'up' : 'down';
    const ref = decodeAnswerRef(action.value);
    const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
    deps.logger.info({
      event: 'slack_feedback',
      vote,
      intent: ref?.intent ?? null,
      question: ref?.question ?? null,
      user: body.user.id,
      slackChannel: channel,
    });
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
