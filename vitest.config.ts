import { defineConfig } from 'vitest/config';
import { LongFirstSequencer } from './test/sequencer.ts';

export default defineConfig({
  test: {
    // Native Verilator models are loaded in-process; forks isolate a crash to one test file.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    sequence: { sequencer: LongFirstSequencer },
  },
});
