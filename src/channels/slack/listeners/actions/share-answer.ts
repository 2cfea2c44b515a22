import { type SlackDeps, answer } from '../../answering.js';
import { decodeAnswerRef, renderNotice } from '../../blocks.js';
import { deliver } from '../../deliver.js';
import { SLACK_MESSAGES } from '../../messages.js';
import { type ButtonArgs, EPHEMERAL, refAnswer, respondWith } from './respond.js';

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
