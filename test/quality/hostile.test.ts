import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HOSTILE_KINDS, hostileQuestions } from '../../src/cli/hostile-inputs.js';
import { loadEngine } from '../../src/core/engine.js';
import { projectRoot } from '../../src/project-root.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const heapMb = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

describe('hostile input against the real content', () => {
  const engine = loadEngine({ root: projectRoot });

  it('keeps the heap flat over 5,000 questions built to defeat every cache', () => {
    for (const kind of HOSTILE_KINDS) for (const q of hostileQuestions(kind, 100, 1)) engine.ask(q);
    const before = heapMb();
    for (const kind of HOSTILE_KINDS) for (const q of hostileQuestions(kind, 1_250, 2)) engine.ask(q);
    const growth = heapMb() - before;
    expect(growth).toBeLessThan(5);
  });

  it('answers every one with a reply, never a crash or an echo of markup', () => {
    for (const kind of HOSTILE_KINDS) {
      for (const q of hostileQuestions(kind, 20, 3)) {
        const reply = engine.ask(`<!channel> <script>alert(1)</script> ${q}`);
        expect(['no-match', 'clarify', 'invalid']).toContain(reply.kind);
        expect(reply.message).not.toContain('<script>');
        expect(reply.message).not.toContain('<!channel>');
      }
    }
  });
});
