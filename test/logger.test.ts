import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../src/logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

describe('structured logs', () => {
  it('writes one JSON object per line with fields, message and error', () => {
    const out = capture();
    const logger = createLogger({ stream: out.stream, level: 'debug' }).child({ channel: 'slack' });
    logger.info({ event: 'slack_feedback', intent: 'talks-start', vote: 'up' }, 'vote');
    logger.error({ event: 'boom' }, new Error('bad thing'));
    const [vote, boom] = out.lines();
    expect(vote).toMatchObject({ level: 'info', channel: 'slack', event: 'slack_feedback', intent: 'talks-start', vote: 'up', msg: 'vote' });
    expect(boom).toMatchObject({ level: 'error', event: 'boom', err: { type: 'Error', message: 'bad thing' } });
  });

  it('drops records below the level from LOG_LEVEL', () => {
    const out = capture();
    const logger = createLogger({ stream: out.stream, level: 'warn' });
    logger.info('quiet');
    logger.debug('quieter');
    logger.warn('loud');
    expect(out.lines().map((l) => l.msg)).toEqual(['loud']);
  });

  it('never writes a token or a configured secret', () => {
    const out = capture();
    const secret = 'abcdef0123456789abcdef0123456789';
    const logger = createLogger({ stream: out.stream, secrets: [secret] });
    logger.info({ headers: { authorization: 'Bearer xoxb-1111-2222-abcdef' }, app: 'xapp-1-A1-2-abc' }, `secret=${secret}`);
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('xoxb-1111');
    expect(text).not.toContain('xapp-1-A1');
    expect(text).not.toContain(secret);
    expect(redact('token xoxe.xoxp-1-abc', [])).toBe('token [redacted]');
  });
});
