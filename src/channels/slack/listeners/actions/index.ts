import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { SlackDeps } from '../../answering.js';
import { ACTION, ACTION_PATTERN } from '../../blocks.js';
import { answerButton } from './answer-button.js';
import { answerFromHome } from './answer-from-home.js';
import { recordFeedback } from './record-feedback.js';
import { shareAnswer } from './share-answer.js';
import { showContext } from './show-context.js';

export function registerActionListeners(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_PATTERN.askIntent, answerButton(deps));
  app.action<BlockAction<ButtonAction>>(ACTION_PATTERN.homeAsk, answerFromHome(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.showContext, showContext(deps));
  app.action<BlockAction<ButtonAction>>(ACTION_PATTERN.feedback, recordFeedback(deps));
  app.action<BlockAction<ButtonAction>>(ACTION.share, shareAnswer(deps));
}
