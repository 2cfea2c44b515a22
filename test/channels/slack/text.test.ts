import { describe, expect, it } from 'vitest';
import { escapeText, slackToPlain, truncate } from '../../../src/channels/slack/text.js';

describe('slackToPlain: Slack markup in a question becomes text to match', () => {
  it.each([
    ['<@U0BOT> When did the talks begin?', 'When did the talks begin?'],
    ['<@U0BOT|isis> hi <@W123>', 'hi'],
    ['see <https://example.com/a?b=1|the article> please', 'see the article please'],
    ['see <https://example.com>', 'see https://example.com'],
    ['in <#C123|general> now', 'in #general now'],
    ['<!here> what about <!channel>?', '@here what about @channel ?'],
    ['<!subteam^S1|@team> ask', '@team ask'],
    ['5 &lt; 6 &amp;&amp; 7 &gt; 1', '5 < 6 && 7 > 1'],
    ['  lots\n\nof   space ', 'lots of space'],
  ])('%j → %j', (input, expected) => {
    expect(slackToPlain(input)).toBe(expected);
  });
});

describe('escapeText', () => {
  it('escapes &, < and > so nothing becomes a mention or a link', () => {
    expect(escapeText('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });
});

describe('truncate', () => {
  it('leaves short text alone', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts with an ellipsis within the limit', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('never cuts an entity in half', () => {
    const cut = truncate('aaaa&amp;bbbb', 7);
    expect(cut).toBe('aaaa…');
  });

  it('never cuts a surrogate pair', () => {
    const cut = truncate('ab😀cd', 4);
    expect(cut).toBe('ab…');
  });
});
