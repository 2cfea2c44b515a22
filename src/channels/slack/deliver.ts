import type { Logger } from '../../logger.js';

/**
 * Every Web API call and response_url post goes through `deliver`, so a
 * Slack-side failure is logged with its context and never crashes a listener.
 */

/** Failures that are about where the bot may post, not about the bot: warn, don't alarm. */
export const EXPECTED_FAILURES: ReadonlySet<string> = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'cannot_dm_bot',
  'user_not_found',
  'message_not_found',
  'cant_update_message',
  'expired_response_url',
]);

export interface SlackFailure {
  /** Slack's error code (`not_in_channel`), or ours: `timeout`, `rate_limited`, `http_500`, `request_failed`. */
  slackError: string;
  expected: boolean;
}

export function describeSlackError(err: unknown): SlackFailure {
  const e = err as { code?: unknown; data?: { error?: unknown }; original?: { name?: unknown }; statusCode?: unknown; name?: unknown };
  let slackError = 'unknown';
  switch (e?.code) {
    case 'slack_webapi_platform_error':
      slackError = typeof e.data?.error === 'string' ? e.data.error : 'platform_error';
      break;
    case 'slack_webapi_request_error':
      slackError = e.original?.name === 'TimeoutError' || e.original?.name === 'AbortError' ? 'timeout' : 'request_failed';
      break;
    case 'slack_webapi_http_error':
      slackError = `http_${String(e.statusCode)}`;
      break;
    case 'slack_webapi_rate_limited_error':
      slackError = 'rate_limited';
      break;
    case 'slack_bolt_respond_error':
      slackError = e.statusCode === 404 ? 'expired_response_url' : `respond_http_${String(e.statusCode)}`;
      break;
    default:
      if (e?.name === 'TimeoutError' || e?.name === 'AbortError') slackError = 'timeout';
  }
  return { slackError, expected: EXPECTED_FAILURES.has(slackError) };
}

/**
 * Log fields about a Slack call: Slack's channel id goes under `slackChannel`,
 * so it never overwrites the logger's own `channel` (slack, web).
 */
export function slackFields(fields: Record<string, unknown>): Record<string, unknown> {
  if (!('channel' in fields)) return fields;
  const { channel, ...rest } = fields;
  return { ...rest, slackChannel: channel };
}

/**
 * Run one call to Slack. On failure: log `slack_api_error` with the given
 * context and Slack's error code, and return undefined.
 */
export async function deliver<T>(logger: Logger, fields: Record<string, unknown>, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    const failure = describeSlackError(err);
    const record = { event: 'slack_api_error', ...slackFields(fields), ...failure };
    if (failure.expected) logger.warn(record, `Slack refused ${String(fields.call ?? 'a call')}: ${failure.slackError}`);
    else logger.error(record, err);
    return undefined;
  }
}
