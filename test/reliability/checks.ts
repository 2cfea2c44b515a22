import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS } from '../../src/channels/slack/blocks.js';
import { seededRandom } from '../../src/cli/random.js';

/**
 * Checks applied to every Slack message the app sends: Slack's size limits,
 * no raw Slack markup from a question echoed back, and every quoted source
 * sentence verbatim in the article.
 */

/** One scenario row of the figures table. */
export interface Figure {
  scenario: string;
  measured: string;
  figure: string;
  target: string;
  pass: boolean;
}

/** A row; `timing` rows are figures the reliability run judges, the others behaviours `npm test` asserts too. */
export type Row = Figure & { timing?: boolean };

export const row = (scenario: string, measured: string, figure: string, target: string, pass: boolean, timing = false): Row => ({
  scenario,
  measured,
  figure,
  target,
  pass,
  ...(timing ? { timing } : {}),
});

type Json = Record<string, unknown>;

/** Every `text` string inside a message's blocks, with the block type it sits in. */
export function blockTexts(blocks: unknown): { type: string; text: string }[] {
  const found: { type: string; text: string }[] = [];
  const walk = (value: unknown, type: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, type);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const node = value as Json;
    const here = typeof node.type === 'string' && ['section', 'context', 'actions', 'header'].includes(node.type) ? node.type : type;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'text' && typeof child === 'string') found.push({ type: here, text: child });
      else walk(child, here);
    }
  };
  walk(blocks, 'top');
  return found;
}

export interface LimitStats {
  messages: number;
  maxText: number;
  maxBlocks: number;
  maxSectionText: number;
  problems: string[];
}

export function emptyLimitStats(): LimitStats {
  return { messages: 0, maxText: 0, maxBlocks: 0, maxSectionText: 0, problems: [] };
}

/** Fold one outgoing message (`{ text, blocks }`) into the running limit figures. */
export function checkLimits(stats: LimitStats, message: Json, where: string): void {
  stats.messages += 1;
  const text = typeof message.text === 'string' ? message.text : '';
  const blocks = Array.isArray(message.blocks) ? message.blocks : [];
  const sections = blocks.flatMap((b) => blockTexts([b]).filter((t) => t.type === 'section'));
  const longestSection = Math.max(0, ...sections.map((t) => t.text.length));
  stats.maxText = Math.max(stats.maxText, text.length);
  stats.maxBlocks = Math.max(stats.maxBlocks, blocks.length);
  stats.maxSectionText = Math.max(stats.maxSectionText, longestSection);
  if (text.length > LIMITS.text) stats.problems.push(`${where}: text ${text.length} chars`);
  if (blocks.length > LIMITS.blocks) stats.problems.push(`${where}: ${blocks.length} blocks`);
  if (longestSection > LIMITS.sectionText) stats.problems.push(`${where}: section text ${longestSection} chars`);
}

/** Slack control sequences a question might carry: pings, links, user groups. */
const RAW_MARKUP = /<[!@#]|<https?:|<mailto:/i;

/**
 * Raw Slack markup in a message the app wrote. The one markup the app itself
 * writes is `<@asker>` in "<@U…> asked:", so that is allowed for the asker.
 */
export function markupProblems(message: Json, asker: string): string[] {
  const texts = [typeof message.text === 'string' ? message.text : '', ...blockTexts(message.blocks).map((t) => t.text)];
  const problems: string[] = [];
  for (const text of texts) {
    const rest = text.split(`<@${asker}>`).join('');
    if (RAW_MARKUP.test(rest)) problems.push(`raw markup in: ${rest.slice(0, 120)}`);
  }
  return problems;
}

export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

export class Article {
  readonly text: string;
  constructor(root: string) {
    this.text = squash(readFileSync(join(root, 'knowledge', 'article.txt'), 'utf8'));
  }

  /**
   * The quoted source sentences of a rendered Slack answer (the `>` section),
   * and those not found verbatim in knowledge/article.txt.
   */
  quotes(message: Json): { quotes: string[]; ungrounded: string[] } {
    const quotes = blockTexts(message.blocks)
      .filter((t) => t.type === 'section' && t.text.startsWith('>'))
      .map((t) => squash(unescapeSlack(t.text.slice(1))));
    return { quotes, ungrounded: quotes.filter((q) => !this.text.includes(q.replace(/…$/, ''))) };
  }
}

const RANGES: [number, number][] = [
  [0x20, 0x7e], // ASCII, Slack's < > & included
  [0x00, 0x1f], // control characters
  [0xa0, 0x24f], // Latin
  [0x590, 0x6ff], // Hebrew, Arabic (RTL)
  [0x200b, 0x200f], // zero-width, LRM/RLM
  [0x202a, 0x202e], // bidi embeddings and overrides
  [0x2066, 0x2069], // bidi isolates
  [0x4e00, 0x9fff], // CJK
  [0xd800, 0xdfff], // lone surrogates
  [0xfe00, 0xfe0f], // variation selectors
  [0x1f300, 0x1faff], // emoji
  [0x10000, 0x10ffff], // any astral plane
];

/** `count` random strings of 0..300 code points drawn from awkward Unicode ranges. */
export function randomStrings(count: number, seed = 20_240_531): string[] {
  const random = seededRandom(seed);
  const strings: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const length = Math.floor(random() * random() * 300);
    let s = '';
    for (let j = 0; j < length; j += 1) {
      const [lo, hi] = RANGES[Math.floor(random() * RANGES.length)] as [number, number];
      const code = lo + Math.floor(random() * (hi - lo + 1));
      s += code > 0xffff ? String.fromCodePoint(code) : String.fromCharCode(code);
    }
    strings.push(s);
  }
  return strings;
}

/** Hand-written hostile questions: Slack markup, HTML, invisible and bidi characters. */
export const HOSTILE: readonly string[] = [
  '<!channel> When did the talks begin?',
  '<!here> has ISIS been defeated?',
  '<!everyone> <!channel|channel> <!here|here>',
  '<@U0VICTIM> what did the raid kill?',
  '<@U0VICTIM|victim> <@W0ENTERPRISE>',
  '<!subteam^S0ADMINS> when did the talks begin?',
  '<!subteam^S0ADMINS|@admins> coalition',
  '<https://evil.example|bank> login here',
  '<https://evil.example> <mailto:a@evil.example|mail> <#C0SECRET|secret>',
  '&lt;!channel&gt; encoded <!channel>',
  '<<!channel>>',
  '<script>alert(1)</script> When did the talks begin?',
  '<img src=x onerror=alert(1)> "><svg onload=alert(1)>',
  'When\u200b did\u200c the\u200d talks\u2060 begin\ufeff?',
  '\u202eWhen did the talks begin?\u202c',
  '\u2067مرحبا when did the talks begin\u2069',
  '```<!channel>``` *bold* _it_ ~strike~ `code`',
  '>quote <!channel>\n> more',
  '\u0000\u0001\u0007 nulls',
  `${'<!channel>'.repeat(200)}`,
];
