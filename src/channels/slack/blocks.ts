import type { types } from '@slack/bolt';
import type { Article, Reply, Suggestion } from '../../core/types.js';
import { MESSAGES } from '../../messages.js';
import { plainText } from '../plain-text.js';
import { SLACK_MESSAGES } from './messages.js';
import { escapeText, stripBidi, truncate } from './text.js';

/**
 * Renders engine replies as Block Kit. Pure functions: no I/O, no engine
 * calls, so every limit and escaping rule is unit-tested here.
 */

export type Block = types.KnownBlock;

export interface SlackMessage {
  /** Plain fallback for notifications and clients without blocks. */
  text: string;
  blocks: Block[];
}

/** Block Kit limits (https://api.slack.com/reference/block-kit). */
export const LIMITS = {
  sectionText: 3000,
  contextText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  blocks: 50,
  text: 40_000,
  questionButtons: 5,
} as const;

/** Action ids; question buttons are numbered (`ask_intent:0`) since ids must be unique in a block. */
export const ACTION = {
  askIntent: 'ask_intent',
  homeAsk: 'home_ask',
  showContext: 'show_context',
  share: 'share_answer',
  feedbackUp: 'feedback_up',
  feedbackDown: 'feedback_down',
} as const;

export const ACTION_PATTERN = {
  askIntent: /^ask_intent:\d+$/,
  homeAsk: /^home_ask:\d+$/,
  feedback: /^feedback_(up|down)$/,
} as const;

const BLOCK_ID = { feedback: 'feedback', tools: 'answer_tools' } as const;

export interface RenderOptions {
  /** Sentences in the article, for "sentence N of 15". */
  totalSentences: number;
  /** Echo the question above the answer: "<@U1> asked: …" or "You asked: …". */
  heading?: { question: string; user?: string };
  /** Offer a "Share in channel" button (ephemeral slash-command answers). */
  share?: boolean;
  /** Example questions for no-match/invalid replies that carry none. */
  examples?: readonly Suggestion[];
}

/** What feedback and share buttons carry: enough to re-render the answer. */
export interface AnswerRef {
  intent: string;
  question: string;
}

export function encodeAnswerRef(ref: AnswerRef): string {
  let question = ref.question.slice(0, LIMITS.buttonValue);
  for (;;) {
    const value = JSON.stringify({ i: ref.intent, q: question });
    if (value.length <= LIMITS.buttonValue || question.length === 0) return value;
    question = question.slice(0, Math.floor(question.length * 0.8));
  }
}

export function decodeAnswerRef(value: string | undefined): AnswerRef | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { i, q } = parsed as { i?: unknown; q?: unknown };
    return typeof i === 'string' && typeof q === 'string' ? { intent: i, question: q } : null;
  } catch {
    return null;
  }
}

const mrkdwn = (text: string, max: number = LIMITS.sectionText): types.MrkdwnElement => ({
  type: 'mrkdwn',
  text: truncate(text, max),
  // verbatim: Slack must not auto-link names or mentions in text we did not write as markup.
  verbatim: true,
});

const section = (text: string): types.SectionBlock => ({ type: 'section', text: mrkdwn(text) });

const context = (text: string): types.ContextBlock => ({ type: 'context', elements: [mrkdwn(text, LIMITS.contextText)] });

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(text, LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value: value.slice(0, LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

/** One button per question, each answering that intent when clicked. */
function questionButtons(prefix: string, suggestions: readonly Suggestion[]): types.ActionsBlock | null {
  const elements = suggestions.slice(0, LIMITS.questionButtons).map((s, i) => button(s.question, `${prefix}:${i}`, s.intent));
  return elements.length > 0 ? { type: 'actions', elements } : null;
}

function headingBlock(heading: RenderOptions['heading']): Block[] {
  const question = escapeText(stripBidi(heading?.question ?? '')).trim();
  if (!heading || question === '') return [];
  const user = heading.user && /^[UW][A-Z0-9]{2,}$/.test(heading.user) ? heading.user : undefined;
  return [context(user ? SLACK_MESSAGES.askedBy(user, question) : SLACK_MESSAGES.youAsked(question))];
}

function answerBlocks(reply: Reply, options: RenderOptions): Block[] {
  const blocks: Block[] = [section(escapeText(reply.answer ?? reply.message))];
  const ref = reply.intent ? encodeAnswerRef({ intent: reply.intent, question: reply.question }) : null;
  if (reply.source) {
    const quote = escapeText(reply.source.sentence.replace(/\s+/g, ' ').trim());
    blocks.push(section(`>${quote}`));
    blocks.push(context(`_${MESSAGES.sourceLabel(reply.source.number, options.totalSentences)}_`));
    const tools: types.Button[] = [button(SLACK_MESSAGES.showContext, ACTION.showContext, String(reply.source.number))];
    if (options.share && ref) tools.push(button(SLACK_MESSAGES.shareInChannel, ACTION.share, ref, 'primary'));
    blocks.push({ type: 'actions', block_id: BLOCK_ID.tools, elements: tools });
  }
  const related = questionButtons(ACTION.askIntent, reply.related);
  if (related) blocks.push(context(SLACK_MESSAGES.related), related);
  if (ref) {
    blocks.push({
      type: 'actions',
      block_id: BLOCK_ID.feedback,
      elements: [button(SLACK_MESSAGES.helpful, ACTION.feedbackUp, ref), button(SLACK_MESSAGES.notHelpful, ACTION.feedbackDown, ref)],
    });
  }
  return blocks;
}

/**
 * A question of several parts, in one message: a section per part, each with its own quote and
 * sentence, or its own "the article doesn't say"; 👍/👎 once, for the whole reply.
 */
function partsBlocks(reply: Reply, parts: readonly Reply[], options: RenderOptions): Block[] {
  const blocks: Block[] = [];
  parts.forEach((part, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(context(`_${escapeText(part.question)}_`));
    if (part.kind === 'answer' && part.source) {
      blocks.push(section(escapeText(part.answer ?? part.message)));
      blocks.push(section(`>${escapeText(part.source.sentence.replace(/\s+/g, ' ').trim())}`));
      blocks.push(context(`_${MESSAGES.sourceLabel(part.source.number, options.totalSentences)}_`));
    } else {
      blocks.push(section(escapeText(part.message)));
    }
  });
  if (reply.intent) {
    const ref = encodeAnswerRef({ intent: reply.intent, question: reply.question });
    blocks.push({
      type: 'actions',
      block_id: BLOCK_ID.feedback,
      elements: [button(SLACK_MESSAGES.helpful, ACTION.feedbackUp, ref), button(SLACK_MESSAGES.notHelpful, ACTION.feedbackDown, ref)],
    });
  }
  return blocks;
}

function suggestionBlocks(lead: string, suggestions: readonly Suggestion[], follow?: string): Block[] {
  const blocks: Block[] = [section(escapeText(lead))];
  const buttons = questionButtons(ACTION.askIntent, suggestions);
  if (buttons) {
    if (follow) blocks.push(context(escapeText(follow)));
    blocks.push(buttons);
  }
  return blocks;
}

/** A Reply of any kind as a Slack message. */
export function renderReply(reply: Reply, options: RenderOptions): SlackMessage {
  const examples = reply.suggestions.length > 0 ? reply.suggestions : (options.examples ?? []);
  let body: Block[];
  if (reply.parts && reply.parts.length > 1)
    return fitMessage({
      text: escapeText(plainText(reply, options.totalSentences)),
      blocks: [...headingBlock(options.heading), ...partsBlocks(reply, reply.parts, options)],
    });
  switch (reply.kind) {
    case 'answer':
      body = answerBlocks(reply, options);
      break;
    case 'clarify':
      body = suggestionBlocks(reply.message || MESSAGES.unsure, reply.suggestions);
      break;
    case 'no-match':
      body = suggestionBlocks(reply.message || MESSAGES.notCovered, examples.slice(0, 3), MESSAGES.tryAsking);
      break;
    case 'invalid':
      body = suggestionBlocks(reply.message, examples.slice(0, 3), MESSAGES.tryAsking);
      break;
    default:
      body =
        reply.suggestions.length > 0
          ? suggestionBlocks(reply.answer ?? reply.message, reply.suggestions.slice(0, 3), MESSAGES.tryAsking)
          : [section(escapeText(reply.answer ?? reply.message))];
  }
  return fitMessage({ text: escapeText(plainText(reply, options.totalSentences)), blocks: [...headingBlock(options.heading), ...body] });
}

/** The sentence's paragraph, with that sentence in bold. */
export function renderContext(article: Article, sentenceNumber: number): SlackMessage | null {
  const sentence = article.sentences.find((s) => s.number === sentenceNumber);
  const paragraph = sentence && article.paragraphs.find((p) => p.number === sentence.paragraph);
  if (!sentence || !paragraph) return null;
  const parts = paragraph.sentences.map((s) =>
    s.number === sentenceNumber ? `*${truncate(escapeText(s.text.trim()), LIMITS.sectionText - 10)}*` : escapeText(s.text.trim()),
  );
  return fitMessage({
    text: escapeText(`${SLACK_MESSAGES.contextHeading(paragraph.number, article.paragraphs.length)} ${sentence.text}`),
    blocks: [
      context(SLACK_MESSAGES.contextHeading(paragraph.number, article.paragraphs.length)),
      section(
        fitAround(
          parts,
          paragraph.sentences.findIndex((s) => s.number === sentenceNumber),
          LIMITS.sectionText,
        ),
      ),
      context(`_${MESSAGES.sourceLabel(sentenceNumber, article.sentences.length)}_`),
    ],
  });
}

/** Join parts with spaces; if too long, keep the focus part and as many neighbours as fit, marking cuts with "…". */
export function fitAround(parts: readonly string[], focus: number, max: number): string {
  const whole = parts.join(' ');
  if (whole.length <= max) return whole;
  let from = focus;
  let to = focus;
  let length = parts[focus]?.length ?? 0;
  const budget = max - 4; // room for "… " and " …"
  for (let grew = true; grew; ) {
    grew = false;
    const before = parts[from - 1];
    if (before !== undefined && length + before.length + 1 <= budget) {
      from -= 1;
      length += before.length + 1;
      grew = true;
    }
    const after = parts[to + 1];
    if (after !== undefined && length + after.length + 1 <= budget) {
      to += 1;
      length += after.length + 1;
      grew = true;
    }
  }
  return `${from > 0 ? '… ' : ''}${parts.slice(from, to + 1).join(' ')}${to < parts.length - 1 ? ' …' : ''}`;
}

export function renderHelp(examples: readonly Suggestion[]): SlackMessage {
  return fitMessage({
    text: escapeText(`${MESSAGES.help} ${SLACK_MESSAGES.howToAsk}`),
    blocks: [section(escapeText(MESSAGES.help)), section(SLACK_MESSAGES.howToAsk), ...suggestionBlocks(SLACK_MESSAGES.tryTheseQuestions, examples).slice(1)],
  });
}

export function renderAbout(article: Article): SlackMessage {
  const about = escapeText(MESSAGES.about(article.title, article.sentences.length));
  return { text: about, blocks: [section(about)] };
}

export function renderNotice(text: string): SlackMessage {
  const escaped = escapeText(text);
  return { text: escaped, blocks: [section(escaped)] };
}

export function renderHome(article: Article, examples: readonly Suggestion[]): types.HomeView {
  const buttons = questionButtons(ACTION.homeAsk, examples);
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(SLACK_MESSAGES.homeTitle, LIMITS.headerText), emoji: true } },
      section(escapeText(MESSAGES.about(article.title, article.sentences.length))),
      section(SLACK_MESSAGES.homeWays),
      { type: 'divider' },
      ...(buttons ? [section(SLACK_MESSAGES.tryTheseQuestions), buttons] : []),
    ],
  };
}

/** Replace the 👍/👎 buttons with a thank-you line; everything else stays. */
export function withFeedbackAck(blocks: readonly Block[], vote: 'up' | 'down'): Block[] {
  return blocks.map((block) => (block.block_id === BLOCK_ID.feedback ? context(SLACK_MESSAGES.feedbackThanks(vote)) : block));
}

/** Enforce the message-level limits: at most 50 blocks, fallback text at most 40,000 characters. */
function fitMessage(message: SlackMessage): SlackMessage {
  return { text: truncate(message.text, LIMITS.text), blocks: message.blocks.slice(0, LIMITS.blocks) };
}
