import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine, type InspectableEngine } from '../../src/core/engine.js';

/** A small, complete content tree (knowledge + intents) used by core tests. */
export const fixtureRoot = join(import.meta.dirname, '..', 'fixtures', 'content');

export function fixtureEngine(): InspectableEngine {
  return loadEngine({ root: fixtureRoot });
}

/**
 * A copy of the fixture with intents.yaml edited, for validator tests.
 * `edit` receives the fixture's intents.yaml text and returns the new text.
 */
export function fixtureWith(edit: (intentsYaml: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'content-'));
  cpSync(fixtureRoot, dir, { recursive: true });
  const file = join(dir, 'intents', 'intents.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
}
