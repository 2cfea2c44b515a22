import type { SlackDeps } from '../../answering.js';
import { renderContext, renderNotice, type SlackMessage } from '../../blocks.js';
import { SLACK_MESSAGES } from '../../messages.js';
import { type ButtonArgs, EPHEMERAL, respondWith } from './respond.js';

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
