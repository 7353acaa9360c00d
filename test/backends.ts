// The simulator back ends a block's tests run on. TOE_SIM=native|verilator restricts the run to one.
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../gen/root.ts';
import type { BackendKind } from '../sim/harness.ts';

export function simBackends(): BackendKind[] {
  const env = process.env.TOE_SIM;
  if (env === 'native' || env === 'verilator') return [env];
  const all: BackendKind[] = ['verilator'];
  if (fs.existsSync(path.join(projectRoot(), 'sim/native/index.ts'))) all.push('native');
  return all;
}
