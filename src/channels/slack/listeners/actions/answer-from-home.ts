import { type SlackDeps, answerChoice } from '../../answering.js';
import { post } from '../../conversation.js';
import type { ButtonArgs } from './respond.js';

/** App Home example buttons: answer in the DM with the user (the app's Messages tab). */
export function answerFromHome(deps: SlackDeps) {
  return async function answerFromHomeListener({ ack, body, action, client }: ButtonArgs): Promise<void> {
    await ack();
    const { message } = await answerChoice(deps, action.value ?? '', action.text?.text, { surface: 'home', user: body.user.id, echo: true });
    await post(client, deps.logger, { channel: body.user.id }, message, { surface: 'home' });
  };
}
