import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { answerCommand } from '../../../../../src/channels/slack/listeners/commands/answer-command.js';
import type { Engine } from '../../../../../src/core/types.js';
import { MESSAGES } from '../../../../../src/messages.js';
import { payloads } from '../../../../support/slack-sim/index.js';
import { allText, realEngine } from '../../harness.js';
import { commandArgs, type ListenerKit, startKit } from '../kit.js';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

let kit: ListenerKit;
afterEach(() => kit.close());

const run = (text: string) => answerCommand(kit.deps)(commandArgs<CommandArgs>(kit, payloads.slashCommand({ text, responseUrl: kit.sim.responseUrl() })));
const acked = () => kit.acks[0] as { response_type: string; text: string; blocks: unknown[] };

describe('/isis-mission', () => {
  it('answers a question only to the asker, in the ack itself, with Share in channel', async () => {
    kit = await startKit();
    await run('how many isis operatives were killed in the raid?');
    expect(acked().response_type).toBe('ephemeral');
    expect(allText(acked().blocks)).toMatch(/four/i);
    expect(allText(acked().blocks)).toContain('share_answer');
    expect(kit.sim.calls).toHaveLength(0);
  });

  it('explains how to ask for "help" and for nothing at all, and what the article is for "about"', async () => {
    kit = await startKit();
    await run('');
    await run(' HELP ');
    await run('about');
    expect(allText(kit.acks[0])).toBe(allText(kit.acks[1]));
    expect(allText(kit.acks[0])).toContain('/isis-mission When did the talks begin?');
    expect(allText(kit.acks[2])).toContain('I answer questions about one news article');
  });

  it('acks with the standard apology when answering fails', async () => {
    const broken: Engine = {
      ...realEngine(),
      examples: () => {
        throw new Error('boom');
      },
    };
    kit = await startKit({ engine: broken });
    await run('help');
    expect(acked().text).toBe(MESSAGES.internalError);
    expect(kit.logs.events('slack_command_failed')).toHaveLength(1);
  });
});
