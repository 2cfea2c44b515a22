import { defineConfig } from 'vitest/config';

// Slow tests start processes (the built CLI, the app for the reliability scenarios) or a browser,
// or are reliability checks.
// `npm run test:unit` runs the rest, in seconds; `npm test` runs both. The unit files share one module
// graph per worker (isolate: false): everything is built by factories, and importing Bolt, Botkit and
// the engine once per worker instead of once per file takes the run from about 19 s of CPU to 7 s.
const SLOW = [
  'test/cli/**/*.test.ts',
  'test/reliability/**/*.test.ts',
  'test/quality/hostile.test.ts', // the heap over 5,000 hostile questions: a reliability check
  'test/channels/web/browser.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2-core machines: keep parallelism modest so timing-sensitive e2e tests stay honest.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: SLOW, isolate: false } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
