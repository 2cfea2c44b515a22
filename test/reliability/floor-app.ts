import { App, LogLevel } from '@slack/bolt';

/**
 * The floor for the load figure: a bare Bolt app on Bolt's own HTTP receiver
 * that verifies signatures and acks, and does nothing else. Run as its own
 * process (like the real app), on PORT, signing with SLACK_SIGNING_SECRET.
 */
const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  authorize: async () => ({ botToken: 'xoxb-floor', botUserId: 'U0BOT' }),
  logLevel: LogLevel.ERROR,
});
app.event('app_mention', async () => {});
app.event('message', async () => {});

await app.start(Number(process.env.PORT));
process.stdout.write(`${JSON.stringify({ event: 'floor_ready', port: Number(process.env.PORT) })}\n`);
process.on('SIGTERM', () => {
  void app.stop().finally(() => process.exit(0));
});
