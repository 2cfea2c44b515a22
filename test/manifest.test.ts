import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND } from '../src/channels/slack/listeners/commands/answer-command.js';
import { projectRoot } from '../src/project-root.js';

interface Manifest {
  display_information: { name: string; description: string; long_description?: string };
  features: { bot_user: { display_name: string }; slash_commands: { command: string }[] };
  settings: { event_subscriptions: { bot_events: string[] }; socket_mode_enabled: boolean };
}

const manifest = JSON.parse(readFileSync(join(projectRoot, 'manifest.json'), 'utf8')) as Manifest;

describe('manifest.json, as pasted into "Create app from manifest"', () => {
  it('has a long_description within Slack’s limits (174 to 4,000 characters)', () => {
    const text = manifest.display_information.long_description ?? '';
    expect(text.length).toBeGreaterThanOrEqual(174);
    expect(text.length).toBeLessThanOrEqual(4000);
  });

  it('names the bot as docs/slack.md says it appears in Slack', () => {
    const guide = readFileSync(join(projectRoot, 'docs', 'slack.md'), 'utf8');
    expect(guide).toContain(`**\`${manifest.features.bot_user.display_name}\`**`);
    expect(guide).toContain(`**${manifest.display_information.name}**`);
  });

  it('declares the slash command the app listens to, and the events it answers', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([COMMAND]);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(['app_home_opened', 'app_mention', 'message.im']);
  });
});
