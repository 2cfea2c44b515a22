import type { Reply } from '../core/types.js';
import { MESSAGES } from '../messages.js';

const bullets = (items: readonly { question: string }[]): string => items.map((s) => `• ${s.question}`).join('\n');

/**
 * A reply as plain text: what a channel sends where no richer format exists (Slack's notification
 * fallback, the command line). Presentation, so it lives with the channels, not in the core.
 */
export function plainText(reply: Reply, totalSentences: number): string {
  if (reply.parts && reply.parts.length > 1) return reply.parts.map((part) => plainText(part, totalSentences)).join('\n\n');
  switch (reply.kind) {
    case 'answer':
    case 'chat': {
      const answer = reply.answer ?? reply.message;
      if (!reply.source) return answer;
      return `${answer}\n\n“${reply.source.sentence}” (${MESSAGES.sourceLabel(reply.source.number, totalSentences)})`;
    }
    case 'clarify':
      return `${reply.message}\n${bullets(reply.suggestions)}`;
    case 'no-match':
    case 'invalid':
      return reply.suggestions.length > 0 ? `${reply.message}\n${MESSAGES.tryAsking}\n${bullets(reply.suggestions)}` : reply.message;
  }
}
