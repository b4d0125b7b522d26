import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests import src/ (compiled by vitest); this builds the pipec binary first when src/ is newer
    // than it, for the tests that run the binary itself (test/support/fresh-bundle.ts).
    globalSetup: ['test/support/fresh-bundle.ts'],
    testTimeout: 60000,
    hookTimeout: 60000,
    pool: 'forks',
  },
});
