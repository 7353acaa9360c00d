// Drives seq_check from TypeScript: a per-cycle loop that offers cases on in_* (with random idle cycles),
// takes verdicts from out_* (with random backpressure) and checks that a stalled verdict holds still.
import { simulate, type Sim, type BackendKind } from '../../sim/harness.ts';
import type { PortAccess } from '../../sim/backend.ts';
import { SeqCheck } from '../../blocks/seq_check/seq-check.ts';
import { inputFields, outputFields, type SegCase, type SegVerdict } from '../../sim/tcp/seq-check-model.ts';
import { rng } from '../rng.ts';

const flags = new Set<string>(['fin', 'seq_ok', 'ack_ok', 'ack_advance', 'dup_ack', 'ack_unsent', 'ack_too_old', 'wnd_update']);

export type SeqCheckSim = Sim<ReturnType<typeof SeqCheck.body>>;

export async function seqCheckSim(backend: BackendKind): Promise<SeqCheckSim> {
  const sim = await simulate(SeqCheck, { tagBits: 16 }, { backend });
  sim.reset();
  return sim;
}

export interface RunOptions {
  /** Probability that the source idles in a cycle. */
  gap?: number;
  /** Probability that out_ready is low in a cycle. */
  backpressure?: number;
  seed?: number;
}

export interface RunResult {
  verdicts: SegVerdict[];
  cycles: number;
  /** Cycle (relative to the run's start) at which each case was accepted and its verdict taken. */
  inCycle: number[];
  outCycle: number[];
}

export { rng };

/** Sends every case through the block and returns the verdicts in arrival order. Throws on a hang or an unstable stall. */
export function runCases(sim: SeqCheckSim, cases: readonly SegCase[], opts: RunOptions = {}): RunResult {
  const rand = rng(opts.seed ?? 1);
  const gap = opts.gap ?? 0;
  const bp = opts.backpressure ?? 0;
  const port = (n: string) => sim.port(n as never) as PortAccess;
  const ins = inputFields.map((f) => [f, port(`in_${f}`)] as const);
  const outs = outputFields.map((f) => [f, port(`out_${f}`)] as const);
  const inValid = port('in_valid'), inReady = port('in_ready'), outValid = port('out_valid'), outReady = port('out_ready');

  const verdicts: SegVerdict[] = [];
  const inCycle: number[] = [], outCycle: number[] = [];
  let next = 0, cycles = 0;
  let held: number[] | undefined; // the verdict that was offered but not taken last cycle
  while (verdicts.length < cases.length) {
    const offer = next < cases.length && rand() >= gap;
    if (offer) {
      const c = cases[next]!;
      for (const [f, p] of ins) { const v = c[f]; p.set(typeof v === 'boolean' ? (v ? 1 : 0) : v); }
    }
    inValid.set(offer ? 1 : 0);
    const ready = rand() >= bp;
    outReady.set(ready ? 1 : 0);
    sim.eval();
    if (outValid.get()) {
      const now = outs.map(([, p]) => p.get() as number);
      if (held && now.some((v, i) => v !== held![i])) {
        throw new Error(`cycle ${sim.cycle}: the stalled verdict changed from ${JSON.stringify(held)} to ${JSON.stringify(now)}`);
      }
      if (ready) {
        const v = {} as Record<string, number | boolean>;
        outputFields.forEach((f, i) => { v[f] = flags.has(f) ? now[i] === 1 : now[i]!; });
        verdicts.push(v as unknown as SegVerdict);
        outCycle.push(cycles);
        held = undefined;
      } else {
        held = now;
      }
    } else if (held) {
      throw new Error(`cycle ${sim.cycle}: out_valid dropped while a verdict was stalled`);
    }
    if (offer && inReady.get()) { inCycle.push(cycles); next++; }
    sim.step(1);
    cycles++;
    if (cycles > 100 + (cases.length + 10) * 50) throw new Error(`no progress: ${verdicts.length} of ${cases.length} verdicts after ${cycles} cycles`);
  }
  return { verdicts, cycles, inCycle, outCycle };
}

