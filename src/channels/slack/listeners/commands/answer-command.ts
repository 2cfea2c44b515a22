import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { MESSAGES } from '../../../../messages.js';
import { type SlackDeps, answerText } from '../../answering.js';
import { renderAbout, renderHelp, renderNotice, type SlackMessage } from '../../blocks.js';

export const COMMAND = '/isis-mission';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

async function commandReply(deps: SlackDeps, text: string, user: string, channel: string): Promise<SlackMessage> {
  const word = text.trim().toLowerCase();
  if (word === '' || word === 'help') return renderHelp(deps.engine.examples(5));
  if (word === 'about') return renderAbout(deps.engine.article);
  // One person's slash commands in one channel are one conversation (within the TTL).
  return (await answerText(deps, text, { surface: 'command', user, conversation: `command:${user}:${channel}`, echo: true, share: true })).message;
}

/**
 * `/isis-mission <question>`: an ephemeral answer, sent in the ack itself
 * (no Web API call, always within Slack's 3 seconds). `help`/empty and
 * `about` explain the bot.
 */
export function answerCommand(deps: SlackDeps) {
  return async function answerCommandListener({ command, ack }: CommandArgs): Promise<void> {
    let message: SlackMessage;
    try {
      message = await commandReply(deps, command.text ?? '', command.user_id, command.channel_id);
    } catch (err) {
      deps.logger.error({ event: 'slack_command_failed', user: command.user_id, slackChannel: command.channel_id }, err);
      message = renderNotice(MESSAGES.internalError);
    }
    await ack({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
  };
}
