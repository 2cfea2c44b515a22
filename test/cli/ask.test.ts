import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI is tested as people run it: the built script, its stdout and exit code.
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'ask.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8' });

describe('npm run ask (built CLI)', () => {
  it('is built', () => {
    if (!existsSync(cli)) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
    expect(existsSync(cli)).toBe(true);
  });

  it('prints a readable answer with its source sentence', () => {
    const out = run(['When did the talks between the US and Iraq begin?']);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/April/);
    expect(out.stdout).toMatch(/Source, sentence 3 of 15 \(paragraph 1\):/);
    expect(out.stdout).toContain(
      '“Talks about transitioning the military mission to a bilateral defense partnership began in April between the U.S. and Iraq, and specific details are still evolving.”',
    );
  });

  it('--json prints exactly one JSON object with the contract fields', () => {
    const out = run(['--json', 'how many isis operatives were killed in the raid?']);
    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] as string);
    expect(Object.keys(result)).toEqual([
      'question',
      'answered',
      'kind',
      'reason',
      'intent',
      'answer',
      'source',
      'confidence',
      'suggestions',
      'related',
      'reply',
    ]);
    expect(result).toMatchObject({ answered: true, kind: 'answer', source: { number: 8, paragraph: 3 } });
    expect(result.source.sentence).toMatch(/^The Pentagon recently announced a raid in Syria that killed four ISIS operatives/);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(typeof result.reply).toBe('string');
  });

  it('--json carries the related questions the readable output lists', () => {
    const question = 'where was the raid?';
    const result = JSON.parse(run(['--json', question]).stdout);
    expect(result.related.length).toBeGreaterThan(0);
    expect(result.related[0]).toEqual({ intent: expect.any(String), question: expect.any(String) });
    const readable = run([question]).stdout;
    for (const r of result.related) expect(readable).toContain(`• ${r.question}`);
  });

  it('--json answers a near-topic question honestly: not answered, no source', () => {
    const result = JSON.parse(run(['--json', 'How many US troops are in Syria?']).stdout);
    expect(result).toMatchObject({ answered: false, source: null });
    expect(result.suggestions.length).toBeGreaterThan(0);
    expect(result.suggestions[0]).toEqual({ intent: expect.any(String), question: expect.any(String) });
  });

  it('--json names the intent of a known unanswerable topic, and still does not answer it', () => {
    const result = JSON.parse(run(['--json', 'Who leads ISIS?']).stdout);
    expect(result).toMatchObject({ answered: false, kind: 'no-match', reason: 'unanswerable', intent: 'isis-leadership', source: null, related: [] });
    expect(result.reply).toMatch(/^The article doesn't say who leads ISIS\./);
  });

  it('--json gives no intent when nothing known matches', () => {
    const result = JSON.parse(run(['--json', 'xyzzy plugh']).stdout);
    expect(result).toMatchObject({ answered: false, kind: 'no-match', reason: expect.stringMatching(/^(off-topic|not-covered)$/), intent: null });
  });

  it('--jsonl answers one line per input line, in order, empty lines not answered', () => {
    const input = 'where was the raid?\n\nwho leads isis?\nhello\n';
    const out = run(['--jsonl'], input);
    expect(out.status).toBe(0);
    const results = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(results.map((r) => r.question)).toEqual(['where was the raid?', '', 'who leads isis?', 'hello']);
    expect(results.map((r) => r.answered)).toEqual([true, false, false, false]);
    expect(results[3].kind).toBe('chat');
  });

  it('--jsonl FILE answers the lines of that file, not of stdin', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ask-')), 'q.txt');
    writeFileSync(file, 'where was the raid?\r\nhello\n');
    const out = run(['--jsonl', file], 'who leads isis?\n');
    expect(out.status).toBe(0);
    expect(
      out.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).question),
    ).toEqual(['where was the raid?', 'hello']);
  });

  it('--jsonl with a file that does not exist says so, without a stack trace, and exits 1', () => {
    const out = run(['--jsonl', join(tmpdir(), 'no-such-questions.txt')]);
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^Cannot read .*no-such-questions\.txt: no such file\n$/);
  });

  it('exits quietly with 0 when the reader closes the pipe early (| head -1)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ask-')), 'many.txt');
    writeFileSync(file, 'where was the raid?\n'.repeat(5000));
    const out = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" --jsonl "${file}" | head -1; echo "status:\${PIPESTATUS[0]}" >&2`], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(out.stdout).question).toBe('where was the raid?');
    expect(out.stderr).toBe('status:0\n');
  });

  it('--help prints the usage on stdout and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const out = run([flag]);
      expect(out.status).toBe(0);
      expect(out.stdout).toMatch(/^Usage:/);
      expect(out.stdout).toContain('--jsonl [FILE]');
      expect(out.stderr).toBe('');
    }
  });

  it('an unknown flag prints what is wrong and the usage on stderr, exits 2, and shows no stack trace', () => {
    const out = run(['--verbose', 'where was the raid?']);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^Unknown option '--verbose'/);
    expect(out.stderr).toMatch(/\nUsage:/);
    expect(out.stderr).not.toMatch(/\n\s+at |TypeError|Node\.js v/);
  });

  it('--json and --jsonl together are refused with the usage, exit 2', () => {
    const out = run(['--json', '--jsonl']);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/--json or --jsonl, not both/);
  });

  it('prints usage and exits 2 with no question', () => {
    const out = run([]);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/Usage:/);
  });

  it('--jsonl --conversations answers turns of each conversation in order, each line with its conversation and parts', () => {
    const lines = [
      { conversation: 'a', question: 'what did the pentagon announce' },
      { conversation: 'b', question: 'where was it?' },
      { conversation: 'a', question: 'where was it?' },
      { conversation: 'a', question: 'who announced the raid and how many died?' },
    ].map((l) => JSON.stringify(l));
    const out = run(['--jsonl', '--conversations'], `${lines.join('\n')}\n`);
    expect(out.status).toBe(0);
    const results = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(results.map((r) => r.conversation)).toEqual(['a', 'b', 'a', 'a']);
    // "where was it?" leans on conversation a's raid, and has nothing to lean on in b.
    expect(results[2]).toMatchObject({ answered: true, source: { number: 8 } });
    expect(results[1].answered).toBe(false);
    expect(results[3].parts).toHaveLength(2);
    expect(results[3].parts[1]).toMatchObject({ question: 'how many died?', answered: true });
  });

  it('--conversations without --jsonl is a usage error; a line that is not a turn says which line', () => {
    expect(run(['--conversations', 'hello']).status).toBe(2);
    const bad = run(['--jsonl', '--conversations'], '{"conversation":"a","question":"hi"}\nnot json\n');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^Line 2 is not JSON/);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
