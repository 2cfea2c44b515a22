import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { questionRow } from '../store/helpers.js';

// Run as people run it: the built script, with DATABASE_URL in its environment (it wins over .env).
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'review.js');
const dir = mkdtempSync(join(tmpdir(), 'review-cli-'));
const url = `sqlite:${join(dir, 'bot.sqlite')}`;
const run = (args: string[], env: Record<string, string> = { DATABASE_URL: url }) =>
  spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

beforeAll(async () => {
  if (!existsSync(cli)) execFileSync('npm', ['run', '-s', 'build'], { cwd: root });
  const store = await openStore({ url, root });
  const recent = new Date(Date.now() - 3_600_000).toISOString();
  await store.insertQuestions([
    questionRow({
      question: 'who is the president of france',
      kind: 'no-match',
      asked_at: recent,
      candidates: JSON.stringify([{ intent: 'officials-names', score: 0.63 }]),
    }),
    questionRow({ question: 'Who is the President of France?', kind: 'no-match', asked_at: recent, channel: 'slack' }),
    questionRow({ question: 'what about the deal', kind: 'clarify', asked_at: '2026-01-01T00:00:00.000Z' }),
  ]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run review (built CLI)', () => {
  it('--json prints the three sections, each group with question, questions and count', () => {
    const out = run(['--json']);
    expect(out.status).toBe(0);
    const review = JSON.parse(out.stdout);
    expect(Object.keys(review)).toEqual(['unanswered', 'unsure', 'disliked']);
    expect(review.unanswered).toEqual([
      expect.objectContaining({ question: expect.stringMatching(/president of france/i), questions: expect.any(Array), count: 2 }),
    ]);
    expect(review.unanswered[0].nearest[0]).toEqual({ intent: 'officials-names', score: 0.315, kind: 'unanswerable' });
    expect(review.unsure).toEqual([expect.objectContaining({ question: 'what about the deal', count: 1 })]);
    expect(review.disliked).toEqual([]);
  });

  it('--since and --channel filter', () => {
    const review = JSON.parse(run(['--json', '--since', '7d', '--channel', 'slack']).stdout);
    expect(review.unanswered).toEqual([expect.objectContaining({ count: 1 })]);
    expect(review.unsure).toEqual([]);
  });

  it('prints a terminal summary and writes a self-contained HTML report', () => {
    const html = join(dir, 'review.html');
    const out = run(['--html', html]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/Unanswered \(no match\): 2 questions in 1 groups/);
    expect(out.stdout).toMatch(/u-[0-9a-f]{6} +2× +"/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Question review');
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3)/);
  });

  it('says what is wrong with a bad DATABASE_URL, a bad flag or an unknown group', () => {
    const bad = run(['--json'], { DATABASE_URL: 'mysql://nope' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/DATABASE_URL must be sqlite:PATH/);
    expect(run(['--since', 'yesterday-ish']).stderr).toMatch(/--since must be like 7d/);
    const missing = run(['--json'], { DATABASE_URL: `sqlite:${join(dir, 'never-made.sqlite')}` });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/No question log at DATABASE_URL=sqlite:.*never-made\.sqlite yet/);
    expect(existsSync(join(dir, 'never-made.sqlite'))).toBe(false);
    const unknown = run(['--accept', 'u-000000', '--intent', 'talks-start']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no group u-000000/);
  });
});
