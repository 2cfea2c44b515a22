import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI is tested as people run it: the built script, its stdout and exit code.
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'ask.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8' });

describe('npm run ask (built CLI)', () => {
  it('is built', () => {
    if (!existsSync(cli)) execFileSync('npm', ['run', '-s', 'build'], { cwd: root });
    expect(existsSync(cli)).toBe(true);
  });

  it('prints a readable answer with its source sentence', () => {
    const out = run(['When did the talks between the US and Iraq begin?']);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/April/);
    expect(out.stdout).toMatch(/Source, sentence 3 of 15 \(paragraph 1\):/);
    expect(out.stdout).toContain('“Talks about transitioning the military mission to a bilateral defense partnership began in April between the U.S. and Iraq, and specific details are still evolving.”');
  });

  it('--json prints exactly one JSON object with the contract fields', () => {
    const out = run(['--json', 'how many isis operatives were killed in the raid?']);
    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] as string);
    expect(Object.keys(result)).toEqual(['question', 'answered', 'kind', 'intent', 'answer', 'source', 'confidence', 'suggestions', 'reply']);
    expect(result).toMatchObject({ answered: true, kind: 'answer', source: { number: 8, paragraph: 3 } });
    expect(result.source.sentence).toMatch(/^The Pentagon recently announced a raid in Syria that killed four ISIS operatives/);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(typeof result.reply).toBe('string');
  });

  it('--json answers a near-topic question honestly: not answered, no source', () => {
    const result = JSON.parse(run(['--json', 'How many US troops are in Syria?']).stdout);
    expect(result).toMatchObject({ answered: false, source: null });
    expect(result.suggestions.length).toBeGreaterThan(0);
    expect(result.suggestions[0]).toEqual({ intent: expect.any(String), question: expect.any(String) });
  });

  it('--jsonl answers one line per input line, in order, empty lines not answered', () => {
    const input = 'where was the raid?\n\nwho leads isis?\nhello\n';
    const out = run(['--jsonl'], input);
    expect(out.status).toBe(0);
    const results = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => r.question)).toEqual(['where was the raid?', '', 'who leads isis?', 'hello']);
    expect(results.map((r) => r.answered)).toEqual([true, false, false, false]);
    expect(results[3].kind).toBe('chat');
  });

  it('prints usage and exits 2 with no question', () => {
    const out = run([]);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/Usage:/);
  });
});
