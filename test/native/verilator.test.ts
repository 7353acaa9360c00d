// Test 2: random circuits through gen/verilog.ts and Verilator vs the native simulator, every output every
// cycle. 200 circuits are batched into one design so one Verilator build covers them all (the model is cached
// by content, so reruns with the same seed skip the build). Skipped when sim/verilator or verilator is missing.
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { circuitArb } from '../../sim/native/random-circuit.ts';
import { projectRoot } from '../../gen/root.ts';
import { fmtMismatch } from './harness.ts';
import { nativeVsRef, shrinkCircuit } from './check.ts';
import { failureReport, runBatch, shrinkAgainstVerilator, verilatorStatus } from './verilator-diff.ts';

const SEED = Number(process.env.TOE_NATIVE_DIFF_SEED ?? 7);
const CIRCUITS = Number(process.env.TOE_NATIVE_DIFF_CIRCUITS ?? 200);
const CYCLES = 300;
/** Time allowed for shrinking a circuit that only Verilator disagrees with (one model build per step). */
const SHRINK_MS = Number(process.env.TOE_NATIVE_SHRINK_MS ?? 60_000);

let status: Awaited<ReturnType<typeof verilatorStatus>> = { ok: false, why: 'not checked' };
beforeAll(async () => { status = await verilatorStatus(); });

describe('random circuits: native == Verilator', () => {
  it(`${CIRCUITS} circuits in one Verilator build`, async (ctx) => {
    if (!status.ok) {
      console.warn(`skipping the Verilator differential test: ${status.why}`);
      ctx.skip();
      return;
    }
    const ds = fc.sample(circuitArb(), { numRuns: CIRCUITS, seed: SEED });
    const r = await runBatch(ds, { cycles: CYCLES, seed: SEED });
    console.log(`native vs Verilator: ${r.circuits} circuits x ${CYCLES} cycles; build ${(r.buildMs / 1000).toFixed(1)} s${r.cached ? ' (cached)' : ''}, lock-step run ${(r.simMs / 1000).toFixed(1)} s`);
    if (r.buildError) {
      const k = r.buildError.circuit;
      const file = path.join(projectRoot(), '.cache', 'native-diff', `seed${SEED}-build-circuit${k}.txt`);
      const text = k >= 0 ? failureReport(ds[k]!, undefined, `Verilator rejected the emitted Verilog of circuit ${k}:\n${r.buildError.message}`, file) : r.buildError.message;
      expect.fail(`${text}\n(report written to ${file})`);
    }
    if (!r.failure) return;
    const { mismatch, circuit, refAgrees } = r.failure;
    const d = ds[circuit]!;
    const file = path.join(projectRoot(), '.cache', 'native-diff', `seed${SEED}-circuit${circuit}.txt`);
    let small = d;
    let how: string;
    if (refAgrees === 'verilator') {
      // The native simulator is wrong: shrink against the (fast) reference interpreter.
      small = shrinkCircuit(d, (x) => !!nativeVsRef(x, CYCLES, SEED).mismatch);
      how = 'native disagrees with the evalOp reference (shrunk against the reference)';
    } else {
      small = await shrinkAgainstVerilator(d, { cycles: CYCLES, seed: SEED, budgetMs: SHRINK_MS });
      how = `Verilator disagrees with native and the evalOp reference (${refAgrees}): an emitter or Verilator issue (shrunk for up to ${SHRINK_MS / 1000} s)`;
    }
    const text = failureReport(small, undefined, `${how}\nbatch seed ${SEED}, circuit ${circuit}: ${fmtMismatch(mismatch)}`, file);
    expect.fail(`${text}\n(report written to ${file})`);
  }, 900_000);
});

