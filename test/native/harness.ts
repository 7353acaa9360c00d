// Lock-step comparison of two simulators on random stimulus: inputs (resets asserted at the start and now
// and then), a combinational check, then rising edges of a random non-empty set of clocks, then a check.
import type { BackendPort } from '../../sim/backend.ts';

/** What the comparison needs of a simulator; values are unsigned bit patterns. */
export interface LockstepSim {
  set(name: string, v: bigint): void;
  get(name: string): bigint;
  eval(): void;
  edge(clock: string): void;
  /** Coinciding edges; when absent (or not requested) clocks are edged one after another. */
  edges?(clocks: string[]): void;
}

export interface PortInfo { name: string; dir: 'in' | 'out'; width: number; clock: boolean; reset: boolean }

export const portInfo = (ports: readonly BackendPort[]): PortInfo[] =>
  ports.map((p) => ({ name: p.name, dir: p.dir, width: p.width, clock: p.clockOf !== undefined, reset: p.resetOf !== undefined }));

/** A backend's port accessors as a LockstepSim (bit patterns in and out). */
export function backendSim(b: { port(name: string): { get(): number | bigint; set(v: number | bigint): void }; eval(): void; edge(c: string): void; edges?(c: string[]): void }, ports: PortInfo[]): LockstepSim {
  const acc = new Map(ports.map((p) => [p.name, { a: b.port(p.name), w: p.width }]));
  return {
    set: (n, v) => acc.get(n)!.a.set(acc.get(n)!.w <= 32 ? Number(v) : v),
    get: (n) => { const x = acc.get(n)!; return BigInt.asUintN(x.w, BigInt(x.a.get())); },
    eval: () => b.eval(),
    edge: (c) => b.edge(c),
    ...(b.edges ? { edges: (c: string[]) => b.edges!(c) } : {}),
  };
}

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0);
  };
  const bits = (w: number): bigint => {
    let v = 0n;
    for (let i = 0; i < w; i += 32) v = (v << 32n) | BigInt(next());
    return BigInt.asUintN(w, v);
  };
  /** A stimulus value: random patterns mostly, and the edge values that break arithmetic. */
  const value = (w: number): bigint => {
    const r = next() % 16;
    const all = (1n << BigInt(w)) - 1n;
    if (r === 0) return 0n;
    if (r === 1) return all;
    if (r === 2) return 1n << BigInt(w - 1);
    if (r === 3) return all >> 1n;
    if (r === 4) return BigInt(next() % 4) & all;
    return bits(w);
  };
  return { next, bits, value, int: (n: number) => next() % n };
}

export interface Mismatch { cycle: number; phase: string; port: string; expected: bigint; got: bigint }

export interface LockstepOptions {
  cycles: number;
  seed: number;
  /** Use edges() for coinciding clocks when both simulators have it (default false: one clock after another). */
  simultaneous?: boolean;
  /** Probability (0..1) that a reset is asserted in a cycle after the first. Default 1/16. */
  resetRate?: number;
}

/** Runs `ref` and `dut` in lock step; returns the first mismatch (ref is "expected"), or undefined. */
export function lockstep(ports: PortInfo[], ref: LockstepSim, dut: LockstepSim, o: LockstepOptions): Mismatch | undefined {
  const rnd = prng(o.seed);
  const clocks = ports.filter((p) => p.clock).map((p) => p.name);
  const ins = ports.filter((p) => p.dir === 'in' && !p.clock);
  const outs = ports.filter((p) => p.dir === 'out');
  const resetRate = Math.round((o.resetRate ?? 1 / 16) * 1024);
  const check = (cycle: number, phase: string): Mismatch | undefined => {
    for (const p of outs) {
      const e = ref.get(p.name), g = dut.get(p.name);
      if (e !== g) return { cycle, phase, port: p.name, expected: e, got: g };
    }
    return undefined;
  };
  for (let cycle = 0; cycle < o.cycles; cycle++) {
    for (const p of ins) {
      const v = p.reset ? (cycle === 0 || rnd.int(1024) < resetRate ? 1n : 0n) : rnd.value(p.width);
      ref.set(p.name, v);
      dut.set(p.name, v);
    }
    ref.eval(); dut.eval();
    const m1 = check(cycle, 'after inputs');
    if (m1) return m1;
    if (!clocks.length) continue;
    let chosen = clocks.filter(() => rnd.int(4) !== 0);
    if (!chosen.length) chosen = [clocks[rnd.int(clocks.length)]!];
    if (o.simultaneous && chosen.length > 1 && ref.edges && dut.edges) { ref.edges(chosen); dut.edges(chosen); }
    else for (const c of chosen) { ref.edge(c); dut.edge(c); }
    const m2 = check(cycle, `after edge ${chosen.join('+')}`);
    if (m2) return m2;
  }
  return undefined;
}

export const fmtMismatch = (m: Mismatch) =>
  `cycle ${m.cycle} (${m.phase}): port ${m.port} expected 0x${m.expected.toString(16)} got 0x${m.got.toString(16)}`;
