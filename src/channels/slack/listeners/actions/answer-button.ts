import { type AnswerOptions, type SlackDeps, answerChoice } from '../../answering.js';
import { conversationKey, post } from '../../conversation.js';
import { type ButtonArgs, EPHEMERAL, isEphemeral, respondWith, targetOf } from './respond.js';

/** "Did you mean" and related-question buttons: answer the chosen intent. */
export function answerButton(deps: SlackDeps) {
  return async function answerButtonListener(args: ButtonArgs): Promise<void> {
    const { ack, body, action, client } = args;
    await ack();
    const user = body.user.id;
    const target = targetOf(body);
    const options: AnswerOptions = {
      surface: 'button',
      user,
      echo: true,
      attribute: target !== null,
      share: target === null,
      ...(target ? { conversation: conversationKey(target) } : {}),
    };
    const { message } = await answerChoice(deps, action.value ?? '', action.text?.text, options);
    if (isEphemeral(body) || !target) {
      await respondWith(deps, args.respond, message, EPHEMERAL, { surface: 'button', user });
      return;
    }
    await post(client, deps.logger, target, message, { surface: 'button' });
  };
}
