/**
 * Slack text helpers. Slack's mrkdwn treats `&`, `<` and `>` as control
 * characters: `<!channel>` pings a whole channel, `<@U123>` pings a person.
 * Anything that came from a user (or from content files) is escaped before it
 * is shown, and Slack markup in a question is turned back into plain text
 * before the engine sees it.
 */

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Bidi controls (embeddings, overrides, isolates, marks) in echoed text could
 * flip the bot's own words around them ("You asked: …" reading backwards, a
 * name appearing to say something else). A question loses nothing by losing them.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function stripBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

function unescapeText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const SPECIAL_MENTIONS = new Set(['here', 'channel', 'everyone']);

/**
 * Slack-formatted message text → the plain question a person meant:
 * user mentions are dropped (`<@U123>`), links become their label
 * (`<https://x|label>` → `label`), channels become `#name`, special mentions
 * become inert words (`<!here>` → `@here`), entities are decoded, spaces collapsed.
 */
export function slackToPlain(text: string): string {
  const replaced = text.replace(/<([^<>]*)>/g, (_match, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? undefined : inner.slice(bar + 1);
    if (target.startsWith('@')) return ' ';
    if (target.startsWith('#')) return label ? ` #${label} ` : ' ';
    if (target.startsWith('!')) {
      if (label) return ` ${label} `;
      const name = target.slice(1).split('^')[0] ?? '';
      return SPECIAL_MENTIONS.has(name) ? ` @${name} ` : ' ';
    }
    return label ?? target;
  });
  return unescapeText(replaced).replace(/\s+/g, ' ').trim();
}

/**
 * Cut `text` to at most `max` characters, ending with an ellipsis when cut.
 * Never splits an HTML entity (`&amp;`) or a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const amp = text.lastIndexOf('&', cut);
  if (amp !== -1 && amp > cut - 6) {
    const semi = text.indexOf(';', amp);
    if (semi === -1 || semi >= cut) cut = amp;
  }
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
