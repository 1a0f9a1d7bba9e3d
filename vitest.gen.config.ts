import { defineConfig } from 'vitest/config';

// The trace generator (lib/generate) is pure: its tests need no database, so no globalSetup.
export default defineConfig({
  test: {
    include: ['lib/generate/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
