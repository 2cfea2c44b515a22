import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root (where package.json, knowledge/ and intents/ are). This file
 * sits one level below it both as src/project-root.ts (vitest) and as
 * dist/project-root.js (npm scripts), since the build mirrors src/ into dist/.
 */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
