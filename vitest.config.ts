import { defineConfig } from 'vitest/config';

/**
 * Three projects, each saying what it needs (`npm test` runs all three):
 * - unit: `*.test.ts` beside the code, no service at all;
 * - integration: `*.int.test.ts`, real Redis, PostgreSQL and S3 (test/helpers/global-setup.ts finds them);
 * - e2e: `test/e2e/`, the same services and Debian's Chromium.
 */
const SERVICES = ['test/helpers/global-setup.ts'];
const IGNORED = ['node_modules/**', 'dist/**'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // integration files each get their own database, bucket and queue prefix; two cores
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...IGNORED, '**/*.int.test.ts', 'test/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: [...IGNORED, 'test/e2e/**'],
          globalSetup: SERVICES,
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: IGNORED, globalSetup: SERVICES },
      },
    ],
  },
});
