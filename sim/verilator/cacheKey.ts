// The content hash naming a built model: everything that can change the shared object's code.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nativeDir } from './paths.ts';
import type { ModelSpec, TraceMode } from './spec.ts';

/** Bump to force rebuilds for a reason the inputs below do not capture. */
export const SHIM_VERSION = 1;

/** The files whose text decides the shared object's code besides the spec. */
export const NATIVE_FILES = [
  path.join(nativeDir, 'shim.cpp'),
  path.join(nativeDir, 'stream.h'),
  path.join(nativeDir, '..', 'build.ts'),
  path.join(nativeDir, '..', 'portTable.ts'),
];

let nativeText: string | undefined;
function nativeSources(): string {
  // Read once per process: editing the shim or the build recipe forces rebuilds.
  nativeText ??= NATIVE_FILES.map((f) => fs.readFileSync(f, 'utf8')).join('\0');
  return nativeText;
}

export interface KeyInputs {
  spec: ModelSpec;
  trace: TraceMode | false;
  verilatorArgs: string[];
  makeVars: string[];
  verilatorVersion: string;
}

export function cacheKey(k: KeyInputs): string {
  const h = createHash('sha256');
  const parts = {
    shim: SHIM_VERSION,
    verilator: k.verilatorVersion,
    top: k.spec.top,
    files: k.spec.files.map((f) => [f.name, f.text]),
    ports: k.spec.ports.map((p) => [p.name, p.dir, p.width]),
    trace: k.trace,
    verilatorArgs: k.verilatorArgs,
    makeVars: k.makeVars,
  };
  h.update(JSON.stringify(parts));
  h.update('\0');
  h.update(nativeSources());
  return h.digest('hex').slice(0, 24);
}
