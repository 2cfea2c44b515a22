import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../answering.js';
import { answerCommand, COMMAND } from './answer-command.js';

export function registerCommandListeners(app: App, deps: SlackDeps): void {
  app.command(COMMAND, answerCommand(deps));
}
