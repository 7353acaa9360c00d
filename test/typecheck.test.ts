// The whole project type-checks under `strict`: port-name typos in tests, misuse of the DSL's types and
// API drift between folders are compile errors, caught here.
import { it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../gen/root.ts';

it('tsc --noEmit finds no errors', () => {
  const tsc = path.join(projectRoot(), 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', projectRoot()], { encoding: 'utf8', timeout: 300_000 });
  expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
  expect(r.status).toBe(0);
}, 300_000);
