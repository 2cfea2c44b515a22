import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, from src/cli (vitest) or dist/cli (npm scripts) alike. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
