import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // PGlite takes a few seconds to start, and ten times as long on a 2-core machine under
    // load (a run beside stress-ng timed out where tests start it twice, or in hooks that
    // start a gateway and a browser); PostgreSQL databases are created per file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for something that will happen (a live update, a delivery): on a busy
    // 2-core CI machine that can take seconds, and a longer wait costs nothing when it comes early.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
