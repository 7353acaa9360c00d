// Property checks over random circuits: native vs the reference interpreter, with shrinking.
import fc from 'fast-check';
import { elaborate, type IrDesign } from '../../dsl/index.ts';
import { compileNative } from '../../sim/native/index.ts';
import { circuitArb, circuitModule, circuitSource, type CircuitArbOptions, type CircuitD } from '../../sim/native/random-circuit.ts';
import { RefSim } from './reference.ts';
import { backendSim, fmtMismatch, lockstep, portInfo, type LockstepSim, type Mismatch } from './harness.ts';

export const refSim = (design: IrDesign): LockstepSim => {
  const r = new RefSim(design);
  return { set: (n, v) => r.set(n, v), get: (n) => r.get(n), eval: () => {}, edge: (c) => r.edge(c), edges: (c) => r.edges(c) };
};

export interface NativeVsRefResult { mismatch?: Mismatch; error?: unknown }

export interface NativeVariant {
  /** Ops per generated function (small values force values across chunk boundaries through slots). */
  chunkSize?: number;
  /** Run with waves open (the settle variant that stores every declared signal), dumping every cycle here. */
  wavesFile?: string;
  /** Representation of wide values (default: the simulator's default, words). */
  wide?: 'words' | 'bigint';
}

/** Native vs reference on one circuit. Elaboration errors are reported as `error` (generator bugs). */
export function nativeVsRef(d: CircuitD, cycles: number, seed: number, simultaneous = true, v: NativeVariant = {}): NativeVsRefResult {
  let design: IrDesign;
  try { design = elaborate(circuitModule(d, 'rc').def); } catch (error) { return { error }; }
  const sim = compileNative(design, { ...(v.chunkSize ? { chunkSize: v.chunkSize } : {}), ...(v.wide ? { wide: v.wide } : {}) });
  const ports = portInfo(sim.ports);
  let dut = backendSim(sim, ports);
  if (v.wavesFile) {
    sim.openWaves(v.wavesFile);
    let t = 0;
    const inner = dut;
    dut = { ...inner, edge: (c) => { inner.edge(c); sim.dumpWaves((t += 1000)); }, edges: (c) => { inner.edges!(c); sim.dumpWaves((t += 1000)); } };
  }
  try {
    const mismatch = lockstep(ports, refSim(design), dut, { cycles, seed, simultaneous });
    return mismatch ? { mismatch } : {};
  } finally {
    sim.dispose();
  }
}

/**
 * Shrinks a failing circuit with fast-check (the description shrinks without context). `fails` says whether
 * a candidate still shows the failure. Returns the smallest failing description found.
 */
export function shrinkCircuit(d: CircuitD, fails: (d: CircuitD) => boolean, opts: CircuitArbOptions = {}): CircuitD {
  const r = fc.check(fc.property(circuitArb(opts), (x) => !fails(x)), { examples: [[d]], numRuns: 1, seed: 1 });
  return r.failed && r.counterexample ? r.counterexample[0] : d;
}

/** A report for a failing circuit: the mismatch and the DSL source of the (shrunk) circuit. */
export function describeFailure(d: CircuitD, res: NativeVsRefResult): string {
  const what = res.mismatch ? fmtMismatch(res.mismatch) : `error: ${(res.error as Error)?.stack ?? res.error}`;
  return `${what}\n--- DSL source of the circuit ---\n${circuitSource(d)}`;
}
