import { MESSAGES } from '../../messages.js';
import type { WebErrorCode } from './render.js';

/**
 * What the page may send. Anything else (a `user` or `channel` field in
 * particular) is dropped here: the server decides who the sender is.
 */
export type Vote = 'up' | 'down';

export type ClientFrame =
  | { type: 'message'; text: string }
  | { type: 'intent'; intent: string }
  /** 👍/👎 on an answer: `reply` is the `id` the server gave that answer's frame. */
  | { type: 'feedback'; reply: string; vote: Vote };

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; code: WebErrorCode; text: string };

const MAX_INTENT_ID = 200;
const MAX_REPLY_ID = 64;

const reject = (code: WebErrorCode, text: string): ParsedFrame => ({ ok: false, code, text });

/**
 * Validate one websocket frame. `data` is the frame's text, or null for a
 * binary frame. Never throws: every bad frame gets a reason the user can read.
 */
export function parseClientFrame(data: string | null): ParsedFrame {
  if (data === null) return reject('binary-frame', MESSAGES.web.binaryFrame);
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return reject('invalid-json', MESSAGES.web.invalidJson);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('invalid-message', MESSAGES.web.invalidMessage);
  }
  const message = value as Record<string, unknown>;
  const type = message.type ?? 'message';
  if (type === 'message') {
    if (typeof message.text !== 'string') return reject('text-not-string', MESSAGES.web.textNotString);
    return { ok: true, frame: { type: 'message', text: message.text } };
  }
  if (type === 'intent') {
    const intent = message.intent;
    if (typeof intent !== 'string' || intent.length === 0 || intent.length > MAX_INTENT_ID) {
      return reject('unknown-intent', MESSAGES.web.unknownIntent);
    }
    return { ok: true, frame: { type: 'intent', intent } };
  }
  if (type === 'feedback') {
    const { reply, vote } = message;
    if (vote !== 'up' && vote !== 'down') return reject('invalid-feedback', MESSAGES.web.invalidFeedback);
    if (typeof reply !== 'string' || reply.length === 0 || reply.length > MAX_REPLY_ID) {
      return reject('unknown-reply', MESSAGES.web.unknownReply);
    }
    return { ok: true, frame: { type: 'feedback', reply, vote } };
  }
  return reject('invalid-message', MESSAGES.web.invalidMessage);
}
