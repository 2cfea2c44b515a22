/**
 * Builders for the bodies Slack sends: Events API envelopes, slash commands,
 * block_actions. Shared by the HTTP sender and the Socket Mode server, so
 * both modes are tested with the same payloads.
 */

export const TEAM_ID = 'T0SIM';
export const APP_ID = 'A0SIM';
export const BOT_USER_ID = 'U0BOT';
export const BOT_ID = 'B0BOT';

let counter = 0;
const next = (): number => {
  counter += 1;
  return counter;
};

/** A fresh, increasing message timestamp ("1700000000.000001"). */
export function nextTs(): string {
  return `1700000000.${String(next()).padStart(6, '0')}`;
}

export function nextEventId(): string {
  return `Ev${String(next()).padStart(8, '0')}`;
}

export type Body = Record<string, unknown>;

export interface EventOptions {
  eventId?: string;
}

/** The `event_callback` envelope around one event. */
export function eventCallback(event: Body, options: EventOptions = {}): Body {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: APP_ID,
    event,
    type: 'event_callback',
    event_id: options.eventId ?? nextEventId(),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export interface MessageOptions {
  text: string;
  user?: string;
  channel?: string;
  ts?: string;
  thread_ts?: string;
  subtype?: string;
  bot_id?: string;
}

function messageFields(o: MessageOptions, defaultChannel: string): Body {
  return {
    user: o.user ?? 'U0ASKER',
    text: o.text,
    ts: o.ts ?? nextTs(),
    channel: o.channel ?? defaultChannel,
    event_ts: o.ts ?? nextTs(),
    ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
    ...(o.subtype ? { subtype: o.subtype } : {}),
    ...(o.bot_id ? { bot_id: o.bot_id } : {}),
  };
}

/** `app_mention` in a channel. Put `<@U0BOT>` in the text yourself, as Slack does. */
export function mention(o: MessageOptions): Body {
  return { type: 'app_mention', ...messageFields(o, 'C0GENERAL') };
}

/** `message` in a DM (message.im). */
export function directMessage(o: MessageOptions): Body {
  return { type: 'message', channel_type: 'im', ...messageFields(o, 'D0DM') };
}

export function homeOpened(user = 'U0ASKER', tab: 'home' | 'messages' = 'home'): Body {
  return { type: 'app_home_opened', user, channel: 'D0DM', tab, event_ts: nextTs() };
}

export interface CommandOptions {
  text: string;
  responseUrl: string;
  user?: string;
  channel?: string;
  command?: string;
}

/** Slash command form fields, as strings. */
export function slashCommand(o: CommandOptions): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    team_domain: 'sim',
    channel_id: o.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: o.user ?? 'U0ASKER',
    user_name: 'asker',
    command: o.command ?? '/isis-mission',
    text: o.text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: `${next()}.trigger`,
  };
}

export interface ActionOptions {
  actionId: string;
  value?: string;
  text?: string;
  responseUrl: string;
  user?: string;
  /** The message the button sits on; omit for App Home buttons. */
  message?: { ts: string; channel: string; thread_ts?: string; text?: string; blocks?: unknown[] };
  ephemeral?: boolean;
  blockId?: string;
}

/** A `block_actions` payload for one button click. */
export function blockAction(o: ActionOptions): Body {
  const user = o.user ?? 'U0ASKER';
  const action = {
    type: 'button',
    action_id: o.actionId,
    block_id: o.blockId ?? 'b1',
    text: { type: 'plain_text', text: o.text ?? 'button', emoji: true },
    ...(o.value !== undefined ? { value: o.value } : {}),
    action_ts: nextTs(),
  };
  const base: Body = {
    type: 'block_actions',
    user: { id: user, username: 'asker', name: 'asker', team_id: TEAM_ID },
    api_app_id: APP_ID,
    token: 'legacy-verification-token',
    trigger_id: `${next()}.trigger`,
    team: { id: TEAM_ID, domain: 'sim' },
    response_url: o.responseUrl,
    actions: [action],
    is_enterprise_install: false,
  };
  if (!o.message) {
    return { ...base, container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home', blocks: [] } };
  }
  const m = o.message;
  return {
    ...base,
    container: { type: 'message', message_ts: m.ts, channel_id: m.channel, is_ephemeral: o.ephemeral ?? false },
    channel: { id: m.channel, name: 'general' },
    ...(o.ephemeral
      ? {}
      : {
          message: {
            type: 'message',
            user: BOT_USER_ID,
            bot_id: BOT_ID,
            ts: m.ts,
            text: m.text ?? '',
            blocks: m.blocks ?? [],
            ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
          },
        }),
  };
}
