import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../answering.js';
import { answerMention } from './answer-mention.js';
import { publishHome } from './publish-home.js';

export function registerEventListeners(app: App, deps: SlackDeps): void {
  app.event('app_mention', answerMention(deps));
  app.event('app_home_opened', publishHome(deps));
}
