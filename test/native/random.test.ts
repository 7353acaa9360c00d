// Test 1: random circuits, simulated natively and by the evalOp reference interpreter in lock step.
// A failure is shrunk by fast-check to a minimal circuit, reported as DSL source.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { circuitArb } from '../../sim/native/random-circuit.ts';
import { describeFailure, nativeVsRef, type NativeVariant } from './check.ts';

const SEED = Number(process.env.TOE_FC_SEED ?? 20240611);
const CYCLES = 250;

function run(numRuns: number, variant: (i: number) => NativeVariant, simultaneous: boolean, seed: number) {
  let i = 0;
  const prop = fc.property(circuitArb(), fc.nat({ max: 1 << 30 }), (d, s) => {
    const res = nativeVsRef(d, CYCLES, s, simultaneous, variant(i++));
    if (res.error) throw res.error;
    return res.mismatch === undefined;
  });
  const r = fc.check(prop, { numRuns, seed });
  if (r.failed) {
    const [d, s] = r.counterexample!;
    const res = nativeVsRef(d, CYCLES, s, simultaneous);
    throw new Error(`native and reference disagree (fast-check seed ${seed}, shrunk ${r.numShrinks} times)\n${describeFailure(d, res)}`);
  }
  expect(r.numRuns).toBe(numRuns);
}

describe('random circuits: native == reference', () => {
  it('200 circuits, coinciding clock edges applied together', () => {
    run(200, () => ({}), true, SEED);
  });

  it('60 circuits, edges one clock at a time, tiny function chunks', () => {
    run(60, (i) => ({ chunkSize: 1 + (i % 7) }), false, SEED + 1);
  });

  it('100 circuits with wide values as bigints (the other representation)', () => {
    run(100, (i) => ({ wide: 'bigint', chunkSize: i % 2 ? 3 : undefined }), true, SEED + 3);
  });

  it('30 circuits with waves open (the settle variant that stores every signal)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-native-rand-'));
    try {
      run(30, (i) => ({ wavesFile: path.join(dir, `w${i}.vcd`) }), true, SEED + 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
