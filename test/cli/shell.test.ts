import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The shell as people use it: the built script, questions and commands typed at its prompt.
const root = join(import.meta.dirname, '..', '..');
const shell = (lines: string[]) =>
  spawnSync(process.execPath, [join(root, 'dist', 'cli', 'shell.js')], { cwd: root, input: `${lines.join('\n')}\n`, encoding: 'utf8' });

describe('npm run shell', () => {
  it('answers with the source and the top candidates, and keeps one conversation', () => {
    const out = shell(['what did the pentagon announce', 'how many were killed?', ':quit']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('(sentence 8 of 15, paragraph 3)');
    expect(out.stdout).toMatch(/killed four ISIS operatives\./);
    expect(out.stdout).toMatch(/\[answer · raid-[a-z-]+ \d\.\d\d/);
  });

  it(':why explains the last match term by term; :reset starts afresh; :history lists the questions', () => {
    const out = shell(['what did the pentagon announce', 'how many were killed?', ':why', ':history', ':reset', 'how many?']);
    expect(out.stdout).toContain("read with the conversation's topic");
    expect(out.stdout).toMatch(/score \d\.\d{3}\n {2}= \(0\.7 × similarity/);
    expect(out.stdout).toContain('words it cannot explain');
    expect(out.stdout).toContain('1. what did the pentagon announce\n2. how many were killed?');
    expect(out.stdout).toContain('(new conversation)');
    // Alone, "how many?" names nothing of the article's.
    expect(out.stdout.split('(new conversation)')[1]).toMatch(/\[no-match/);
  });
});
