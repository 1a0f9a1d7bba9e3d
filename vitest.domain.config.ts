import { defineConfig } from 'vitest/config';

// The pure scoring code needs no database: this config runs lib/domain's unit and property
// tests without the project's globalSetup (which starts Postgres).
export default defineConfig({
  test: {
    include: ['lib/domain/**/*.test.ts'],
    environment: 'node',
  },
});
