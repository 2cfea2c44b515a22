import type { Reply } from '../../src/core/types.js';
import { MESSAGES } from '../../src/messages.js';

/** The opening line the engine gives a reply of this kind, for hand-built test replies. */
export function messageFor(reply: Omit<Reply, 'message'>): string {
  switch (reply.kind) {
    case 'answer':
    case 'chat':
      return reply.answer ?? '';
    case 'clarify':
      return MESSAGES.unsure;
    case 'no-match':
      return MESSAGES.notCovered;
    case 'invalid':
      return MESSAGES.empty;
  }
}
