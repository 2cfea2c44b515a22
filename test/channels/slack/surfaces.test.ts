import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/core/types.js';
import { MESSAGES } from '../../../src/messages.js';
import { payloads, type RecordedCall, sleep } from '../../support/slack-sim/index.js';
import { type Harness, questionOfKind, realEngine, startHarness, type Transport, transportFor } from './harness.js';

const { eventCallback, mention, directMessage, slashCommand, blockAction, homeOpened, nextTs } = payloads;

type Button = { action_id: string; value?: string; text: { text: string } };

/** Every button in a list of blocks. */
function buttons(blocks: unknown): Button[] {
  const out: Button[] = [];
  for (const block of (blocks ?? []) as { elements?: { type?: string }[] }[]) {
    for (const el of block.elements ?? []) if (el.type === 'button') out.push(el as Button);
  }
  return out;
}

function button(blocks: unknown, actionId: string | RegExp): Button {
  const found = buttons(blocks).find((b) => (typeof actionId === 'string' ? b.action_id === actionId : actionId.test(b.action_id)));
  if (!found) throw new Error(`no ${String(actionId)} button in ${JSON.stringify(blocks)}`);
  return found;
}

const text = (value: unknown): string => JSON.stringify(value);

/** What Slack shows (texts), leaving out button values, which are data and never rendered. */
const shown = (value: unknown): string => JSON.stringify(value, (key, v: unknown) => (key === 'value' ? undefined : v));

describe.each(['http', 'socket'] as const)('Slack surfaces over %s', (mode) => {
  let h: Harness;
  let slack: Transport;

  beforeAll(async () => {
    h = await startHarness(mode);
    slack = transportFor(mode, h);
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  /** Send an @-mention and return the one reply it got. */
  async function ask(question: string, extra: { ts?: string; thread_ts?: string } = {}): Promise<RecordedCall> {
    await slack.event(eventCallback(mention({ text: `<@U0BOT> ${question}`, ...extra })));
    const [call] = await h.sim.waitForCalls('chat.postMessage');
    if (!call) throw new Error('no reply');
    return call;
  }

  describe('an @-mention in a channel', () => {
    it('is answered in the thread of the mention, quoting the source sentence with "sentence N of 15"', async () => {
      const ts = nextTs();
      const call = await ask('When did the talks begin?', { ts });
      expect(call.args.channel).toBe('C0GENERAL');
      expect(call.args.thread_ts).toBe(ts);
      expect(String(call.args.text)).toContain('April');
      const blocks = text(call.args.blocks);
      expect(blocks).toContain('>Talks about transitioning');
      expect(blocks).toMatch(/sentence 3 of 15/);
      expect(buttons(call.args.blocks).map((b) => b.action_id)).toEqual(expect.arrayContaining(['show_context', 'feedback_up', 'feedback_down']));
      expect(h.logs.events('slack_answer').at(-1)).toMatchObject({ surface: 'mention', kind: 'answer', intent: 'talks-start' });
    });

    it('inside a thread is answered in that thread', async () => {
      const parent = nextTs();
      const call = await ask('How long has the coalition existed?', { thread_ts: parent });
      expect(call.args.thread_ts).toBe(parent);
    });

    it('holding <!channel>, <!here> or <@U123> pings nobody: the reply escapes them', async () => {
      const call = await ask('&lt;!channel&gt; <!here> <@U123> &lt;@U999&gt; transition?');
      expect(shown(call.args)).not.toMatch(/<!channel>|<!here>|<@U123>|<@U999>/);
      // Slack escapes what people type: a literal "<!channel> & <b>" arrives as entities.
      const { message } = await sendCommand('&lt;!channel&gt; &amp; &lt;b&gt;when&lt;/b&gt; did the talks begin?');
      expect(shown(message)).not.toMatch(/<!channel>|<b>/);
      expect(shown(message.blocks)).toContain('You asked: &lt;!channel&gt; &amp; &lt;b&gt;when&lt;/b&gt; did the talks begin?');
    });

    it('from a bot, or an edit, delete or join, is not answered', async () => {
      const ignored = [
        mention({ text: '<@U0BOT> When did the talks begin?', bot_id: 'B0OTHER' }),
        mention({ text: '<@U0BOT> When did the talks begin?', user: 'U0BOT' }),
        directMessage({ text: 'When did the talks begin?', subtype: 'message_changed' }),
        directMessage({ text: 'When did the talks begin?', subtype: 'message_deleted' }),
        directMessage({ text: '<@U0ASKER> has joined', subtype: 'channel_join' }),
        directMessage({ text: 'my own answer', subtype: 'bot_message', bot_id: 'B0BOT' }),
      ];
      for (const event of ignored) await slack.event(eventCallback(event));
      await sleep(150);
      expect(h.sim.callsTo('chat.postMessage')).toHaveLength(0);
    });

    it('retried by Slack (same event_id) gets exactly one reply', async () => {
      const envelope = eventCallback(mention({ text: '<@U0BOT> When did the talks begin?' }));
      await slack.event(envelope);
      await slack.event(envelope, { retry: 1 });
      await slack.event(envelope, { retry: 2 });
      await h.sim.waitForCalls('chat.postMessage');
      await sleep(150);
      expect(h.sim.callsTo('chat.postMessage')).toHaveLength(1);
      expect(h.logs.events('slack_duplicate_skipped').length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('a direct message', () => {
    it('is answered in the DM, not in a thread', async () => {
      await slack.event(eventCallback(directMessage({ text: 'Has ISIS been defeated?' })));
      const [call] = await h.sim.waitForCalls('chat.postMessage');
      expect(call?.args.channel).toBe('D0DM');
      expect(call?.args.thread_ts).toBeUndefined();
    });

    it('with an @-mention arrives as message and app_mention, and is answered once', async () => {
      const ts = nextTs();
      const fields = { text: '<@U0BOT> Has ISIS been defeated?', ts, channel: 'D0DM' };
      await Promise.all([slack.event(eventCallback(directMessage(fields))), slack.event(eventCallback(mention(fields)))]);
      await h.sim.waitForCalls('chat.postMessage');
      await sleep(150);
      expect(h.sim.callsTo('chat.postMessage')).toHaveLength(1);
    });
  });

  async function sendCommand(commandText: string) {
    const responseUrl = h.sim.responseUrl();
    const message = await slack.command(slashCommand({ text: commandText, responseUrl }));
    return { message, responseUrl };
  }

  describe('/isis-mission', () => {
    it('answers ephemerally, echoing the question, with a Share in channel button', async () => {
      const { message } = await sendCommand('When did the talks begin?');
      expect(message.response_type).toBe('ephemeral');
      expect(text(message.blocks)).toContain('You asked: When did the talks begin?');
      expect(text(message.blocks)).toMatch(/sentence 3 of 15/);
      button(message.blocks, 'share_answer');
      expect(h.sim.callsTo('chat.postMessage')).toHaveLength(0);
    });

    it.each(['', 'help', 'HELP'])('%j shows how to ask, with example questions', async (word) => {
      const { message } = await sendCommand(word);
      expect(text(message)).toContain('/isis-mission');
      expect(buttons(message.blocks).length).toBeGreaterThanOrEqual(3);
    });

    it('about says what the article is and how answers are grounded', async () => {
      const { message } = await sendCommand('about');
      expect(String(message.text)).toContain(realEngine().article.title.replace(/'/g, "'"));
      expect(String(message.text)).toContain('15 sentences');
    });

    it('"Share in channel" posts the answer for everyone, attributed to the asker', async () => {
      const { message, responseUrl } = await sendCommand('How many ISIS operatives were killed in the raid?');
      const share = button(message.blocks, 'share_answer');
      await slack.action(
        blockAction({
          actionId: share.action_id,
          value: share.value ?? '',
          responseUrl,
          user: 'U0ASKER',
          message: { ts: nextTs(), channel: 'C0GENERAL' },
          ephemeral: true,
        }),
      );
      const [posted, deleted] = await h.sim.waitForResponses(2);
      expect(posted?.body).toMatchObject({ response_type: 'in_channel' });
      expect(text(posted?.body.blocks)).toContain('<@U0ASKER> asked: How many ISIS operatives were killed in the raid?');
      expect(text(posted?.body.blocks)).not.toContain('share_answer');
      expect(deleted?.body).toMatchObject({ delete_original: true });
    });
  });

  describe('buttons on an answer', () => {
    it('"Show context" shows the paragraph with the sentence in bold, to the clicker only', async () => {
      const call = await ask('When did the talks begin?');
      const show = button(call.args.blocks, 'show_context');
      await slack.action(
        blockAction({ actionId: show.action_id, value: show.value ?? '', responseUrl: h.sim.responseUrl(), message: { ts: nextTs(), channel: 'C0GENERAL' } }),
      );
      const [shown] = await h.sim.waitForResponses(1);
      expect(shown?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      const body = text(shown?.body.blocks);
      expect(body).toContain('*Talks about transitioning the military mission');
      expect(body).toContain('This announcement comes after 10 years');
      expect(body).not.toContain('*This announcement');
    });

    it('a related question button answers that question in the same thread', async () => {
      const parent = nextTs();
      const call = await ask('When did the talks begin?', { ts: parent });
      const related = button(call.args.blocks, /^ask_intent:/);
      h.sim.reset();
      await slack.action(
        blockAction({
          actionId: related.action_id,
          value: related.value ?? '',
          text: related.text.text,
          responseUrl: h.sim.responseUrl(),
          user: 'U0OTHER',
          message: { ts: nextTs(), channel: 'C0GENERAL', thread_ts: parent },
        }),
      );
      const [answer] = await h.sim.waitForCalls('chat.postMessage');
      expect(answer?.args.thread_ts).toBe(parent);
      expect(text(answer?.args.blocks)).toContain('<@U0OTHER> asked:');
      expect(h.logs.events('slack_answer').at(-1)).toMatchObject({ surface: 'button', intent: related.value });
    });

    it('👍 is logged with intent, question and vote, and acknowledged by updating the message', async () => {
      const call = await ask('When did the talks begin?');
      const up = button(call.args.blocks, 'feedback_up');
      const ts = nextTs();
      await slack.action(
        blockAction({
          actionId: up.action_id,
          value: up.value ?? '',
          responseUrl: h.sim.responseUrl(),
          message: { ts, channel: 'C0GENERAL', text: String(call.args.text), blocks: call.args.blocks as unknown[] },
        }),
      );
      const [update] = await h.sim.waitForCalls('chat.update');
      expect(update?.args).toMatchObject({ channel: 'C0GENERAL', ts });
      expect(text(update?.args.blocks)).toContain('Thanks for the feedback');
      expect(buttons(update?.args.blocks).map((b) => b.action_id)).not.toContain('feedback_up');
      expect(h.logs.events('slack_feedback').at(-1)).toMatchObject({ vote: 'up', intent: 'talks-start', question: 'When did the talks begin?' });
    });

    it('👎 on an ephemeral answer replaces it through the response_url', async () => {
      const { message, responseUrl } = await sendCommand('When did the talks begin?');
      const down = button(message.blocks, 'feedback_down');
      await slack.action(
        blockAction({ actionId: down.action_id, value: down.value ?? '', responseUrl, message: { ts: nextTs(), channel: 'C0GENERAL' }, ephemeral: true }),
      );
      const [replaced] = await h.sim.waitForResponses(1);
      expect(replaced?.body).toMatchObject({ replace_original: true });
      expect(text(replaced?.body.blocks)).toContain('Thanks for the feedback 👎');
      expect(h.logs.events('slack_feedback').at(-1)).toMatchObject({ vote: 'down', intent: 'talks-start' });
    });
  });

  describe('replies that are not answers', () => {
    it('a vague question gets "did you mean" buttons that answer the chosen question', async () => {
      const call = await ask(questionOfKind('clarify'));
      expect(String(call.args.text)).toContain(MESSAGES.unsure);
      const choice = button(call.args.blocks, /^ask_intent:/);
      h.sim.reset();
      await slack.action(
        blockAction({
          actionId: choice.action_id,
          value: choice.value ?? '',
          text: choice.text.text,
          responseUrl: h.sim.responseUrl(),
          message: { ts: nextTs(), channel: 'C0GENERAL' },
        }),
      );
      const [answer] = await h.sim.waitForCalls('chat.postMessage');
      expect(h.logs.events('slack_answer').at(-1)).toMatchObject({ kind: 'answer', intent: choice.value });
      expect(text(answer?.args.blocks)).toMatch(/sentence \d+ of 15/);
    });

    it('a question the article does not cover says what it covers and offers 3 examples', async () => {
      const call = await ask(questionOfKind('no-match', 'not-covered'));
      expect(text(call.args.blocks)).toContain(MESSAGES.notCovered.slice(0, 40));
      expect(buttons(call.args.blocks).filter((b) => b.action_id.startsWith('ask_intent:'))).toHaveLength(3);
      expect(String(call.args.text).length).toBeGreaterThan(0);
    });
  });

  describe('the App Home tab', () => {
    it('shows what the bot does with example questions; clicking one answers in a DM with the user', async () => {
      await slack.event(eventCallback(homeOpened('U0ASKER')));
      const [publish] = await h.sim.waitForCalls('views.publish');
      expect(publish?.args.user_id).toBe('U0ASKER');
      const view = publish?.args.view as { type: string; blocks: unknown };
      expect(view.type).toBe('home');
      const example = button(view.blocks, /^home_ask:/);
      await slack.action(
        blockAction({ actionId: example.action_id, value: example.value ?? '', text: example.text.text, responseUrl: h.sim.responseUrl(), user: 'U0ASKER' }),
      );
      const [answer] = await h.sim.waitForCalls('chat.postMessage');
      expect(answer?.args.channel).toBe('U0ASKER');
      expect(text(answer?.args.blocks)).toMatch(/sentence \d+ of 15/);
    });

    it('the Messages tab opening publishes nothing', async () => {
      await slack.event(eventCallback(homeOpened('U0ASKER', 'messages')));
      await sleep(100);
      expect(h.sim.callsTo('views.publish')).toHaveLength(0);
    });
  });

  describe('when the Web API misbehaves', () => {
    it('not_in_channel is logged, nothing crashes, and the next question is answered', async () => {
      h.sim.fault('chat.postMessage', { error: 'not_in_channel' }, 1);
      await ask('When did the talks begin?');
      await expect.poll(() => h.logs.events('slack_api_error').at(-1)).toMatchObject({ slackError: 'not_in_channel', call: 'chat.postMessage', level: 'warn' });
      h.sim.reset();
      await ask('Has ISIS been defeated?');
    });

    it('channel_not_found is logged, not thrown', async () => {
      h.sim.fault('chat.postMessage', { error: 'channel_not_found' }, 1);
      await ask('When did the talks begin?');
      await expect.poll(() => h.logs.events('slack_api_error').at(-1)).toMatchObject({ slackError: 'channel_not_found' });
    });

    it('429 with Retry-After is waited out and the reply still arrives', async () => {
      h.sim.fault('chat.postMessage', { rateLimited: 1 }, 1);
      const started = Date.now();
      await slack.event(eventCallback(mention({ text: '<@U0BOT> When did the talks begin?' })));
      const calls = await h.sim.waitForCalls('chat.postMessage', 2, 8_000);
      expect(calls).toHaveLength(2);
      expect(calls[1]!.at - started).toBeGreaterThanOrEqual(900);
    });

    it('a hanging call is aborted at the timeout and logged', async () => {
      h.sim.fault('chat.postMessage', { hang: true });
      await slack.event(eventCallback(mention({ text: '<@U0BOT> When did the talks begin?' })));
      await expect.poll(() => h.logs.events('slack_api_error').at(-1), { timeout: 8_000 }).toMatchObject({ slackError: 'timeout' });
      h.sim.clearFaults();
      await slack.event(eventCallback(mention({ text: '<@U0BOT> Has ISIS been defeated?' })));
      await expect.poll(() => h.sim.callsTo('chat.postMessage').length).toBeGreaterThanOrEqual(3);
    });
  });
});

describe('Slack when the engine fails', () => {
  let h: Harness;
  let slack: Transport;
  beforeAll(async () => {
    const real = realEngine();
    const broken: Engine = {
      version: real.version,
      article: real.article,
      intents: real.intents,
      examples: (n) => real.examples(n),
      answerIntent: (id) => real.answerIntent(id),
      ask: () => {
        throw new Error('matcher exploded');
      },
      converse: () => {
        throw new Error('matcher exploded');
      },
    };
    h = await startHarness('http', { engine: broken });
    slack = transportFor('http', h);
  });
  afterAll(() => h.close());

  it('replies with the internal-error message, logs the failure, and keeps serving', async () => {
    await slack.event(eventCallback(mention({ text: '<@U0BOT> When did the talks begin?' })));
    const [call] = await h.sim.waitForCalls('chat.postMessage');
    expect(call?.args.text).toBe(MESSAGES.internalError);
    expect(h.logs.events('slack_answer_failed')).toHaveLength(1);
    const message = await slack.command(slashCommand({ text: 'anything', responseUrl: h.sim.responseUrl() }));
    expect(message.text).toBe(MESSAGES.internalError);
    const health = await fetch(`http://127.0.0.1:${h.port}/healthz`);
    expect(health.status).toBe(200);
  });
});
