import { describe, expect, it } from 'vitest';
import { parseClientFrame } from '../../../src/channels/web/protocol.js';

describe('protocol: frames the page may send', () => {
  it('accepts a question and keeps only its text', () => {
    expect(parseClientFrame('{"type":"message","text":"hi","user":"someone-else","channel":"x"}')).toEqual({
      ok: true,
      frame: { type: 'message', text: 'hi' },
    });
  });

  it('treats a frame without a type as a question', () => {
    expect(parseClientFrame('{"text":""}')).toEqual({ ok: true, frame: { type: 'message', text: '' } });
  });

  it('accepts a chip click by intent id', () => {
    expect(parseClientFrame('{"type":"intent","intent":"raid","user":"u"}')).toEqual({ ok: true, frame: { type: 'intent', intent: 'raid' } });
  });
});

describe('protocol: frames that get an error reply', () => {
  it.each([
    [null, 'binary-frame'],
    ['not json', 'invalid-json'],
    ['', 'invalid-json'],
    ['"a string"', 'invalid-message'],
    ['null', 'invalid-message'],
    ['[]', 'invalid-message'],
    ['{"type":"hello"}', 'invalid-message'],
    ['{"type":"message","text":42}', 'text-not-string'],
    ['{"type":"message","text":null}', 'text-not-string'],
    ['{"type":"message"}', 'text-not-string'],
    ['{"type":"intent"}', 'unknown-intent'],
    ['{"type":"intent","intent":""}', 'unknown-intent'],
    [`{"type":"intent","intent":"${'x'.repeat(201)}"}`, 'unknown-intent'],
  ])('%s → %s', (data, code) => {
    const parsed = parseClientFrame(data);
    expect(parsed).toMatchObject({ ok: false, code });
    expect(parsed.ok ? '' : parsed.text).toMatch(/\w+/);
  });
});
