import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/project-root.js';

describe('the project root, from source and from the build', () => {
  it('is the folder holding package.json, knowledge/ and intents/', () => {
    expect(projectRoot).toBe(resolve(import.meta.dirname, '..'));
    for (const entry of ['package.json', 'knowledge/article.txt', 'intents']) expect(existsSync(resolve(projectRoot, entry))).toBe(true);
  });

  const built = resolve(import.meta.dirname, '..', 'dist', 'project-root.js');
  it.skipIf(!existsSync(built))('is the same folder when the built dist/project-root.js computes it', async () => {
    const mod = (await import(built)) as { projectRoot: string };
    expect(mod.projectRoot).toBe(projectRoot);
  });
});
