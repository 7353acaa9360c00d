// Shared pieces of the corpus tests: a seeded random source, a per-file simulator fixture, and beat-level
// stream agents (every field of every beat chosen by the test, the cycle of each transfer recorded).
import { afterAll, beforeAll } from 'vitest';
import type { ModuleDef } from '../../dsl/index.ts';
import { simulate, type Agent, type BackendKind, type Sim, type SimOptions } from '../../sim/harness.ts';
import type { PortAccess } from '../../sim/backend.ts';

export const mask = (w: number) => (1n << BigInt(w)) - 1n;
export const signedOf = (x: bigint, w: number) => BigInt.asIntN(w, x);

/** xorshift128 (32-bit words, plain numbers: cheap in per-cycle loops), reproducible from a seed. */
export class Rng {
  private x: number; private y: number; private z: number; private w: number;
  constructor(seed: number) {
    // splitmix32 spreads the seed over the state (never all zero).
    let s = (seed >>> 0) ^ 0x9e3779b9;
    const mix = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
      return (t ^ (t >>> 16)) >>> 0;
    };
    this.x = mix(); this.y = mix(); this.z = mix(); this.w = mix() | 1;
  }
  /** 32 random bits as an unsigned number. */
  u32(): number {
    const t = this.x ^ (this.x << 11);
    this.x = this.y; this.y = this.z; this.z = this.w;
    this.w = (this.w ^ (this.w >>> 19) ^ t ^ (t >>> 8)) >>> 0;
    return this.w;
  }
  /** A float in [0, 1). */
  float(): number { return this.u32() / 4294967296; }
  /** An integer in [0, n) (n up to 2^32). */
  int(n: number): number { return Math.floor(this.float() * n); }
  bool(p = 0.5): boolean { return this.float() < p; }
  /** `w` random bits as a bigint. */
  bits(w: number): bigint {
    let v = 0n;
    for (let got = 0; got < w; got += 32) v = (v << 32n) | BigInt(this.u32());
    return v & mask(w);
  }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
}

/**
 * Builds a simulator once for the enclosing describe block (in beforeAll) and closes it afterwards.
 * Returns a getter: call it inside tests.
 */
export function simFixture<P, IO>(def: ModuleDef<P, IO>, params: Partial<P> | undefined, opts: SimOptions & { backend: BackendKind }): () => Sim<IO> {
  let sim: Sim<IO> | undefined;
  beforeAll(async () => { sim = await simulate(def, params, opts); });
  afterAll(() => sim?.close());
  return () => {
    if (!sim) throw new Error('the simulator was not built (beforeAll failed)');
    return sim;
  };
}

export type Beat = Record<string, bigint>;

function streamPorts(sim: Sim<unknown>, prefix: string) {
  const names = sim.engine.ports.map((p) => p.name);
  const fields = ['tdata', 'tkeep', 'tlast', 'tuser'].filter((f) => names.includes(`${prefix}_${f}`));
  const acc = (s: string): PortAccess => sim.port(`${prefix}_${s}` as never);
  return { fields, valid: acc('tvalid'), ready: acc('tready'), field: new Map(fields.map((f) => [f, acc(f)])) };
}

/**
 * Sends `beats` on the model's stream input `prefix`, holding each beat until it is taken (AXI4-Stream rules),
 * with random valid gaps. `accepted[i]` is the main-clock cycle at whose edge beat i was taken.
 */
export class BeatSource implements Agent {
  readonly clock: string | undefined;
  readonly accepted: number[] = [];
  private readonly p: ReturnType<typeof streamPorts>;
  private readonly rng: Rng;
  private valid = false;
  private i = 0;
  constructor(private readonly sim: Sim<unknown>, prefix: string, private readonly beats: Beat[], opts: { gap?: number; seed?: number; clock?: string } = {}) {
    this.p = streamPorts(sim, prefix);
    this.rng = new Rng(opts.seed ?? 1);
    this.gap = opts.gap ?? 0;
    this.clock = opts.clock;
    this.p.valid.set(0);
    sim.addAgent(this);
  }
  private readonly gap: number;
  get done(): boolean { return this.i >= this.beats.length; }
  drive(): void {
    // Once valid is up the beat stays until it is taken.
    if (!this.valid) this.valid = !this.done && !(this.gap && this.rng.bool(this.gap));
    this.p.valid.set(this.valid ? 1 : 0);
    if (!this.valid) return;
    const b = this.beats[this.i]!;
    for (const [f, a] of this.p.field) a.set(b[f] ?? 0n);
  }
  sample(): void {
    if (!this.valid || !this.p.ready.get()) return;
    this.accepted.push(this.sim.cycle);
    this.i++;
    this.valid = false;
  }
  detach(): void { this.p.valid.set(0); this.sim.removeAgent(this); }
}

/** Collects beats from the model's stream output `prefix` with random tready backpressure. */
export class BeatSink implements Agent {
  readonly clock: string | undefined;
  readonly beats: Beat[] = [];
  /** cycles[i]: the main-clock cycle at whose edge beats[i] was taken. */
  readonly cycles: number[] = [];
  private readonly p: ReturnType<typeof streamPorts>;
  private readonly rng: Rng;
  private ready = false;
  constructor(private readonly sim: Sim<unknown>, prefix: string, opts: { backpressure?: number; seed?: number; clock?: string } = {}) {
    this.p = streamPorts(sim, prefix);
    this.rng = new Rng(opts.seed ?? 2);
    this.backpressure = opts.backpressure ?? 0;
    this.clock = opts.clock;
    sim.addAgent(this);
  }
  private readonly backpressure: number;
  drive(): void {
    this.ready = !(this.backpressure && this.rng.bool(this.backpressure));
    this.p.ready.set(this.ready ? 1 : 0);
  }
  sample(): void {
    if (!this.ready || !this.p.valid.get()) return;
    const b: Beat = {};
    for (const [f, a] of this.p.field) b[f] = BigInt(a.get());
    this.beats.push(b);
    this.cycles.push(this.sim.cycle);
  }
  detach(): void { this.p.ready.set(0); this.sim.removeAgent(this); }
}

/**
 * Watches a stream output for the AXI4-Stream rule that once tvalid is high, it and the payload hold until
 * the beat is taken; `violations` lists the cycles where that broke.
 */
export class HoldChecker implements Agent {
  readonly clock: string | undefined;
  readonly violations: number[] = [];
  private readonly p: ReturnType<typeof streamPorts>;
  private held: string | undefined;
  constructor(private readonly sim: Sim<unknown>, prefix: string, opts: { clock?: string } = {}) {
    this.p = streamPorts(sim, prefix);
    this.clock = opts.clock;
    sim.addAgent(this);
  }
  sample(): void {
    const valid = this.p.valid.get() === 1;
    const now = valid ? [...this.p.field.values()].map((a) => String(a.get())).join(',') : undefined;
    if (this.held !== undefined && now !== this.held) this.violations.push(this.sim.cycle);
    this.held = valid && this.p.ready.get() !== 1 ? now : undefined;
  }
  detach(): void { this.sim.removeAgent(this); }
}
