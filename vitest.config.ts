import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // PGlite takes a few seconds to start; PostgreSQL databases are created per file.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for something that will happen (a live update, a delivery): on a busy
    // 2-core CI machine that can take seconds, and a longer wait costs nothing when it comes early.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
