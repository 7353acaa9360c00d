// Differential testing against Verilator: many random circuits batched into one design (one Verilator build),
// simulated by the Verilated model and by the native simulator in lock step.
import fs from 'node:fs';
import path from 'node:path';
import { elaborate, type IrDesign } from '../../dsl/index.ts';
import { emitDesign } from '../../gen/verilog.ts';
import { compileNative } from '../../sim/native/index.ts';
import { batchModule, circuitModule, circuitSource, descToJson, type CircuitD } from '../../sim/native/random-circuit.ts';
import type { ModelSpec } from '../../sim/verilator/spec.ts';
import { backendSim, fmtMismatch, lockstep, portInfo, type LockstepSim, type Mismatch, type PortInfo } from './harness.ts';
import { refSim } from './check.ts';

/** Whether sim/verilator is present and a verilator binary works (the differential test is skipped otherwise). */
export async function verilatorStatus(): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    const tc = await import('../../sim/verilator/toolchain.ts');
    tc.verilatorVersion();
    await import('../../sim/verilator/index.ts');
    return { ok: true };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
}

export function modelSpec(design: IrDesign): ModelSpec {
  const top = design.top;
  return {
    top: top.name,
    files: emitDesign(design).map((f) => ({ name: f.name, text: f.text })),
    ports: top.ports.map((p) => ({ name: p.name, dir: p.dir, width: p.node.width, signed: p.node.signed })),
    clocks: top.ports.filter((p) => p.domainPort?.role === 'clock').map((p) => ({ port: p.name })),
  };
}

/** Random circuits for Verilator avoid the emitter bugs reported separately (see RealizeOptions). */
export const SAFE = { verilogSafe: true } as const;

type Model = Awaited<ReturnType<typeof import('../../sim/verilator/index.ts')['buildModel']>>;

export function verilatorSim(m: Model, ports: PortInfo[]): LockstepSim {
  return backendSim({ port: (n) => m.port(n), eval: () => m.eval(), edge: (c) => m.tick(c) }, ports);
}

export interface BatchResult {
  circuits: number;
  buildMs: number;
  cached: boolean;
  simMs: number;
  /** The first mismatch, the index of the circuit that owns the port, and what the reference says. */
  failure?: { mismatch: Mismatch; circuit: number; refAgrees: 'native' | 'verilator' | 'neither' | 'unknown' };
  /** Verilator rejected the emitted Verilog: the message, and the circuit whose file it names. */
  buildError?: { message: string; circuit: number };
}

/** The circuit a Verilator error names (its module file rcK.v or rcK_cJ.v), or -1. */
const circuitOfError = (msg: string) => { const m = /%Error: \S*?\/rc(\d+)(?:_c\d+)?\.v:/.exec(msg); return m ? Number(m[1]) : -1; };

/** Builds one Verilator model of all circuits and runs it against the native simulator. */
export async function runBatch(ds: CircuitD[], o: { cycles: number; seed: number; cacheDir?: string; opt?: string }): Promise<BatchResult> {
  const { buildModel } = await import('../../sim/verilator/index.ts');
  const batch = batchModule(ds, 'batch', SAFE);
  const design = elaborate(batch.def);
  const spec = modelSpec(design);
  const t0 = performance.now();
  let model: Model;
  try {
    model = await buildModel(spec, { cacheDir: o.cacheDir, opt: o.opt ?? '-O0' });
  } catch (e) {
    const message = (e as Error).message;
    return { circuits: ds.length, buildMs: performance.now() - t0, cached: false, simMs: 0, buildError: { message, circuit: circuitOfError(message) } };
  }
  const buildMs = performance.now() - t0;
  try {
    const native = compileNative(design);
    const ports = portInfo(native.ports);
    const t1 = performance.now();
    const mismatch = lockstep(ports, verilatorSim(model, ports), backendSim(native, ports), { cycles: o.cycles, seed: o.seed });
    const simMs = performance.now() - t1;
    const res: BatchResult = { circuits: ds.length, buildMs, cached: model.build.cached, simMs };
    if (mismatch) {
      const circuit = batch.portOwner(mismatch.port) ?? -1;
      // Which side does the evalOp reference interpreter agree with? Replay the same stimulus.
      let refAgrees: 'native' | 'verilator' | 'neither' | 'unknown' = 'unknown';
      try {
        const r1 = lockstep(ports, refSim(design), backendSim(compileNative(design), ports), { cycles: mismatch.cycle + 1, seed: o.seed });
        refAgrees = r1 ? 'verilator' : 'native';
        if (r1 && r1.cycle === mismatch.cycle && r1.port === mismatch.port && r1.expected !== mismatch.expected) refAgrees = 'neither';
      } catch { /* keep unknown */ }
      res.failure = { mismatch, circuit, refAgrees };
    }
    return res;
  } finally {
    model.dispose();
  }
}

/** One circuit on its own vs Verilator (for shrinking a failure found in a batch). */
export async function runSingle(d: CircuitD, o: { cycles: number; seed: number; cacheDir?: string; opt?: string }): Promise<Mismatch | undefined> {
  const { buildModel } = await import('../../sim/verilator/index.ts');
  const design = elaborate(circuitModule(d, 'rc', SAFE).def);
  const model = await buildModel(modelSpec(design), { cacheDir: o.cacheDir, opt: o.opt ?? '-O0' });
  try {
    const native = compileNative(design);
    const ports = portInfo(native.ports);
    return lockstep(ports, verilatorSim(model, ports), backendSim(native, ports), { cycles: o.cycles, seed: o.seed });
  } finally {
    model.dispose();
  }
}

/** Writes a failure report (mismatch, DSL source, Verilog) to a file and returns its text. */
export function failureReport(d: CircuitD, m: Mismatch | undefined, note: string, file?: string): string {
  const design = (() => { try { return elaborate(circuitModule(d, 'rc', SAFE).def); } catch { return undefined; } })();
  const verilog = design ? emitDesign(design).map((f) => `// ---- ${f.name}\n${f.text}`).join('\n') : '(does not elaborate)';
  const text = `${note}\n${m ? fmtMismatch(m) : ''}\n\n--- DSL source ---\n${circuitSource(d, 'rc', SAFE)}\n--- Verilog ---\n${verilog}\n--- description (JSON: descFromJson, or npx tsx bench/soak_native.ts --replay FILE) ---\n${descToJson(d)}\n`;
  if (file) { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, text); }
  return text;
}

/**
 * Shrinks a circuit that disagrees with Verilator, building a model per candidate (slow: bounded by
 * `budgetMs`; candidates' models are cached by content). Returns the smallest failing description found.
 */
export async function shrinkAgainstVerilator(d: CircuitD, o: { cycles: number; seed: number; budgetMs: number; cacheDir?: string; buildError?: boolean }): Promise<CircuitD> {
  const fcm = (await import('fast-check')).default;
  const { circuitArb } = await import('../../sim/native/random-circuit.ts');
  let best = d;
  const prop = fcm.asyncProperty(circuitArb(), async (x) => {
    let m: Mismatch | undefined;
    try { m = await runSingle(x, o); } catch (e) {
      // Shrinking a rejected design: any candidate Verilator rejects too (and that elaborates) still fails.
      if (o.buildError && /Verilator failed/.test((e as Error).message)) { best = x; return false; }
      return true; // otherwise a candidate that does not build is not this failure
    }
    if (o.buildError) return true;
    if (m) best = x;
    return m === undefined;
  });
  await fcm.check(prop, { examples: [[d]], numRuns: 1, seed: 1, interruptAfterTimeLimit: o.budgetMs, markInterruptAsFailure: false });
  return best;
}
