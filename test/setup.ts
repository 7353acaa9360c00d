// Runs before every test file: exposes vitest's `expect` globally so the simulation harness (which does not
// import vitest) can name wave files and stream captures after the running test.
import { expect } from 'vitest';

(globalThis as { expect?: unknown }).expect ??= expect;
