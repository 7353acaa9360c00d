// The test harness: one API over both simulators. A test elaborates a DSL module, gets a simulator of it,
// and drives it cycle by cycle: poke, peek, step, until, reset, stream agents, waves.
import { StreamCapture } from './stream-capture.ts';
import fs from 'node:fs';
import path from 'node:path';
import { elaborate, type ModuleDef } from '../dsl/index.ts';
import type { IrDesign } from '../dsl/ir.ts';
import type { Engine, EnginePort } from './engine.ts';
import type { PortAccess } from './backend.ts';
import type { PortName } from './harness-types.ts';
import { projectRoot } from '../gen/root.ts';

export type BackendKind = 'verilator' | 'native';

export interface SimOptions {
  /** Which simulator; default: env TOE_SIM, else 'verilator'. */
  backend?: BackendKind;
  /** Write a waveform: true = FST on Verilator, VCD on native; or name the format. Also env TOE_WAVES=1. */
  waves?: boolean | 'vcd' | 'fst';
  /** Clock port → period in ps. The main clock ('clk', or the first listed) counts cycles. Default 10 ns each. */
  clocks?: Record<string, number>;
  /** A name for wave files (default: the running test's name, else the top module). */
  name?: string;
}

/** Something that acts every cycle of a clock: drive inputs before the edge, observe handshakes at it. */
export interface Agent {
  /** The clock port whose rising edges the agent acts on (default: the main clock). */
  clock?: string;
  /** Sets inputs for the coming edge. */
  drive?(): void;
  /** Observes settled values just before the edge (a transfer happens when valid and ready are both high). */
  sample?(): void;
}

export class SimTimeout extends Error {}

export function defaultBackend(): BackendKind {
  const env = process.env.TOE_SIM;
  if (env === 'native' || env === 'verilator') return env;
  if (env) throw new Error(`TOE_SIM must be 'native' or 'verilator', got '${env}'`);
  return 'verilator';
}

/** Elaborates `def` with `params` and returns a simulator of it on the chosen back end. */
export async function simulate<P, IO>(def: ModuleDef<P, IO>, params?: Partial<P>, opts: SimOptions = {}): Promise<Sim<IO>> {
  const design = elaborate(def, params);
  return simulateDesign<IO>(design, opts);
}

export async function simulateDesign<IO = unknown>(design: IrDesign, opts: SimOptions = {}): Promise<Sim<IO>> {
  const backend = opts.backend ?? defaultBackend();
  const waves = opts.waves ?? (process.env.TOE_WAVES === '1' ? true : false);
  const clocks = clockPlan(design, opts.clocks);
  const traceKind = waves === true ? (backend === 'verilator' ? 'fst' : 'vcd') : waves || undefined;
  let engine: Engine;
  if (backend === 'verilator') {
    const { verilatorEngine } = await import('./verilator/engine.ts');
    engine = await verilatorEngine(design, { clocks, trace: traceKind as 'fst' | 'vcd' | undefined });
  } else {
    if (traceKind === 'fst') throw new Error('the native simulator writes VCD only: use waves: "vcd"');
    const { nativeEngine } = await import('./native-engine.ts');
    engine = nativeEngine(design, { clocks });
  }
  const sim = new Sim<IO>(engine, design, clocks, traceKind ? { kind: traceKind, name: opts.name } : undefined);
  await reportOnFailure(sim);
  return sim;
}

export interface ClockPlan { port: string; periodPs: number }

function clockPlan(design: IrDesign, given: Record<string, number> | undefined): ClockPlan[] {
  const ports = design.top.ports.filter((p) => p.domainPort?.role === 'clock').map((p) => p.name);
  for (const k of Object.keys(given ?? {})) {
    if (!ports.includes(k)) throw new Error(`clocks: '${k}' is not a clock port of ${design.top.name} (clocks: ${ports.join(', ') || 'none'})`);
  }
  const plan = ports.map((port) => ({ port, periodPs: given?.[port] ?? 10_000 }));
  plan.sort((a, b) => (a.port === 'clk' ? -1 : b.port === 'clk' ? 1 : 0));
  return plan;
}

// A failing vitest test prints the simulator's state: cycle, time, every port, the wave file.
async function reportOnFailure(sim: Sim<unknown>) {
  if (!process.env.VITEST) return;
  try {
    const v = await import('vitest');
    v.onTestFailed(() => { console.error(sim.describe()); });
  } catch { /* not inside a test */ }
}

export class Sim<IO> {
  /** Cycles of the main clock so far. */
  cycle = 0;
  /** Simulated time in ps. */
  timePs = 0;
  readonly agents: Agent[] = [];
  readonly wavePath: string | undefined;
  private readonly access = new Map<string, PortAccess>();
  private readonly portInfo = new Map<string, EnginePort>();
  private readonly main: ClockPlan | undefined;
  private readonly next = new Map<string, { rise: number; fall: number }>();
  private closed = false;
  /** With TOE_PCAP=DIR: every stream frame the agents and bulk runs move, written as pcaps on close(). */
  readonly capture: StreamCapture | undefined;

  constructor(readonly engine: Engine, readonly design: IrDesign, readonly clocks: ClockPlan[], waves?: { kind: string; name?: string }) {
    for (const p of engine.ports) this.portInfo.set(p.name, p);
    this.main = clocks[0];
    for (const c of clocks) this.next.set(c.port, { rise: c.periodPs, fall: c.periodPs / 2 });
    for (const c of clocks) this.access_(c.port).set(0);
    engine.eval();
    const pcapDir = StreamCapture.folder();
    if (pcapDir) this.capture = new StreamCapture(path.resolve(pcapDir), design.top.name);
    if (waves) {
      const dir = process.env.TOE_WAVES_DIR ?? path.join(projectRoot(), 'waves');
      fs.mkdirSync(dir, { recursive: true });
      const base = (waves.name ?? currentTestName() ?? design.top.name).replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 120);
      this.wavePath = path.join(dir, `${base}.${waves.kind}`);
      engine.openWaves(this.wavePath);
    }
  }

  get backend(): BackendKind { return this.engine.kind; }

  private access_(name: string): PortAccess {
    let a = this.access.get(name);
    if (!a) {
      if (!this.portInfo.has(name)) {
        throw new Error(`${this.design.top.name} has no port '${name}' (ports: ${[...this.portInfo.keys()].join(', ')})`);
      }
      a = this.engine.port(name);
      this.access.set(name, a);
    }
    return a;
  }

  /** Sets an input port. Values are masked to the port width; negative values are two's complement. */
  poke(name: PortName<IO>, v: number | bigint | boolean): void {
    const p = this.portInfo.get(name);
    if (p && p.dir !== 'in') throw new Error(`cannot poke output '${name}' of ${this.design.top.name}`);
    this.access_(name).set(typeof v === 'boolean' ? (v ? 1 : 0) : v);
  }

  /** Reads a port after settling combinational logic: a number up to 32 bits, a bigint above. */
  peek(name: PortName<IO>): number | bigint {
    this.engine.eval();
    return this.access_(name).get();
  }
  /** peek() as a number (ports up to 53 bits). */
  peekN(name: PortName<IO>): number { return Number(this.peek(name)); }
  /** peek() as a bigint. */
  peekB(name: PortName<IO>): bigint { return BigInt(this.peek(name)); }

  /** A cheap accessor for hot loops (no settle: call eval() after pokes if you read outputs). */
  port(name: PortName<IO>): PortAccess { return this.access_(name); }
  eval(): void { this.engine.eval(); }

  /** Throws with the cycle and every port's value unless `name` reads `expected`. */
  expectPort(name: PortName<IO>, expected: number | bigint | boolean, what = ''): void {
    const got = this.peek(name);
    const want = typeof expected === 'boolean' ? (expected ? 1 : 0) : expected;
    if (BigInt(got) !== BigInt(want)) {
      throw new Error(`${what ? `${what}: ` : ''}port '${name}' is ${got}, expected ${want} at cycle ${this.cycle}\n${this.describe()}`);
    }
  }

  addAgent<A extends Agent>(a: A): A { this.agents.push(a); return a; }
  removeAgent(a: Agent): void { const i = this.agents.indexOf(a); if (i >= 0) this.agents.splice(i, 1); }

  /** Runs n cycles of the main clock (and whatever edges of other clocks fall in between). */
  step(n = 1): void {
    if (this.closed) throw new Error('step() after close()');
    if (!this.main) {
      // Purely combinational: a "cycle" is an eval with agents acting.
      for (let i = 0; i < n; i++) { this.act(undefined); this.cycle++; }
      return;
    }
    if (this.clocks.length === 1) {
      for (let i = 0; i < n; i++) {
        if (this.agents.length) this.act(this.main.port);
        this.engine.tick();
        this.cycle++;
        this.timePs += this.main.periodPs;
      }
      return;
    }
    for (let i = 0; i < n; i++) this.advanceToMainRise();
  }

  private act(clock: string | undefined) {
    const mine = this.agents.filter((a) => (a.clock ?? this.main?.port) === clock || clock === undefined);
    for (const a of mine) a.drive?.();
    this.engine.eval();
    for (const a of mine) a.sample?.();
  }

  private advanceToMainRise() {
    for (;;) {
      let t = Infinity;
      for (const e of this.next.values()) t = Math.min(t, e.rise, e.fall);
      const rising = this.clocks.filter((c) => this.next.get(c.port)!.rise === t).map((c) => c.port);
      const falling = this.clocks.filter((c) => this.next.get(c.port)!.fall === t).map((c) => c.port);
      if (falling.length) {
        this.engine.fall(falling, t);
        for (const c of falling) this.next.get(c)!.fall += this.clocks.find((x) => x.port === c)!.periodPs;
      }
      if (rising.length) {
        for (const c of rising) if (this.agents.some((a) => (a.clock ?? this.main!.port) === c)) this.act(c);
        this.engine.rise(rising, t);
        for (const c of rising) this.next.get(c)!.rise += this.clocks.find((x) => x.port === c)!.periodPs;
      }
      this.timePs = t;
      if (rising.includes(this.main!.port)) { this.cycle++; return; }
    }
  }

  /** Steps until pred() holds (checked before each cycle); returns the cycles waited. Throws naming the cycle. */
  until(pred: () => boolean, opts: { timeout?: number; what?: string } = {}): number {
    const timeout = opts.timeout ?? 10_000;
    const start = this.cycle;
    for (;;) {
      this.engine.eval();
      if (pred()) return this.cycle - start;
      if (this.cycle - start >= timeout) {
        throw new SimTimeout(`until(${opts.what ?? 'condition'}): not reached after ${timeout} cycles (cycles ${start}..${this.cycle})\n${this.describe()}`);
      }
      this.step(1);
    }
  }

  /** Holds every reset port high for `cycles` main-clock cycles, then releases it. */
  reset(cycles = 2): void {
    const resets = this.design.top.ports.filter((p) => p.domainPort?.role === 'reset').map((p) => p.name);
    for (const r of resets) this.access_(r).set(1);
    this.step(cycles);
    for (const r of resets) this.access_(r).set(0);
    this.engine.eval();
  }

  /** The state for a failure message: cycle, time, every port's value, the wave file. */
  describe(): string {
    const lines = [`simulator ${this.engine.kind}, top ${this.design.top.name}, cycle ${this.cycle}, time ${this.timePs} ps`];
    try {
      this.engine.eval();
      for (const p of this.engine.ports) {
        const v = this.engine.port(p.name).get();
        lines.push(`  ${p.dir === 'in' ? 'in ' : 'out'} ${p.name.padEnd(24)} = ${typeof v === 'bigint' ? `0x${BigInt.asUintN(p.width, v).toString(16)}` : v}`);
      }
    } catch (e) { lines.push(`  (ports unreadable: ${(e as Error).message})`); }
    if (this.wavePath) lines.push(`waves: ${this.wavePath}`);
    return lines.join('\n');
  }

  /** Closes the wave file (if any) and frees the model. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.capture?.flush();
    this.engine.closeWaves();
    this.engine.dispose();
  }
}

function currentTestName(): string | undefined {
  const g = globalThis as { expect?: { getState?: () => { currentTestName?: string } } };
  return g.expect?.getState?.().currentTestName;
}
