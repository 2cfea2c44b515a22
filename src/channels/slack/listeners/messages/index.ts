import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../answering.js';
import { answerDirectMessage } from './answer-direct-message.js';

export function registerMessageListeners(app: App, deps: SlackDeps): void {
  app.event('message', answerDirectMessage(deps));
}
