// A loaded Verilated model driven from TypeScript: ports, clocking, waveforms, stream fast path.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSharedObject } from './build.ts';
import { acquireNative, type NativeModel } from './loader.ts';
import { wavesDir } from './paths.ts';
import { makePort, type Port } from './ports.ts';
import { ClockScheduler } from './scheduler.ts';
import { DEFAULT_PERIOD_PS, type BuildInfo, type BuildOptions, type ModelSpec } from './spec.ts';
import {
  runStreams,
  StreamSink,
  StreamSource,
  type AxisPortNames,
  type RandomPattern,
  type StreamHost,
  type StreamRunOptions,
  type StreamRunResult,
} from './stream.ts';

interface ClockInfo {
  port: string;
  index: number;
  periodPs: number;
}

let traceSerial = 0;

export class VerilatedModel implements StreamHost {
  readonly spec: ModelSpec;
  readonly build: BuildInfo;
  readonly top: string;
  /** Port names in the model's declaration order. */
  readonly portNames: readonly string[];
  readonly clocks: readonly ClockInfo[];
  private n: NativeModel;
  private release: () => void;
  private readonly shared: Float64Array; // [cycles, stopped]
  private readonly portsByName = new Map<string, Port>();
  private readonly indexByName = new Map<string, number>();
  private readonly defaultClock: ClockInfo | undefined;
  private scheduler: ClockScheduler | undefined;
  private tracePath: string | undefined;
  private disposed = false;

  constructor(spec: ModelSpec, build: BuildInfo) {
    this.spec = spec;
    this.build = build;
    this.top = spec.top;
    const { native, release } = acquireNative(build.soPath);
    this.n = native;
    this.release = release;
    const names = new Map(spec.ports.map((p) => [p.name, p]));
    const clockSpecs = spec.clocks ?? (names.has('clk') ? [{ port: 'clk' }] : []);
    const declared = native.portTable.map((p) => p.name);
    this.clocks = clockSpecs.map((c) => {
      const index = declared.indexOf(c.port);
      if (index < 0) throw new Error(`${spec.top}: clock port '${c.port}' is not a port of the model`);
      return { port: c.port, index, periodPs: c.periodPs ?? DEFAULT_PERIOD_PS };
    });
    this.defaultClock = this.clocks[0];
    const half = (this.defaultClock?.periodPs ?? DEFAULT_PERIOD_PS) / 2;
    try {
      this.n.create(this.defaultClock?.index ?? -1, half);
    } catch (e) {
      this.release();
      throw e;
    }
    this.shared = new Float64Array(this.n.shared());
    const buffers = this.n.portBuffers();
    this.portNames = declared;
    native.portTable.forEach((p, i) => {
      this.indexByName.set(p.name, i);
      this.portsByName.set(p.name, makePort({ ...p, buffer: buffers[i]! }, names.get(p.name)?.signed === true));
    });
    if (process.env.TOE_WAVES === '1' && this.n.traceKind) this.openTrace();
  }

  /** Accessor for a port: number for width <= 32, bigint above. Cheap; keep it and call get/set. */
  port(name: string): Port {
    const p = this.portsByName.get(name);
    if (!p) throw new Error(`${this.top}: no port '${name}' (ports: ${this.portNames.join(', ')})`);
    return p;
  }

  /** A port <= 32 bits, typed as number. */
  portN(name: string): Port<number> {
    const p = this.port(name);
    if (p.width > 32) throw new Error(`${this.top}: port '${name}' is ${p.width} bits: use portB()`);
    return p as Port<number>;
  }

  /** A port > 32 bits, typed as bigint. */
  portB(name: string): Port<bigint> {
    const p = this.port(name);
    if (p.width <= 32) throw new Error(`${this.top}: port '${name}' is ${p.width} bits: use portN()`);
    return p as Port<bigint>;
  }

  /** Evaluates the model at the current time (combinational settle). */
  eval(): void {
    this.n.eval();
  }

  /** One cycle: clock 0, eval, clock 1, eval. Without a port: the default clock (counted in cycles). */
  tick(clockPort?: string): void {
    if (clockPort === undefined || clockPort === this.defaultClock?.port) {
      this.n.tick();
      return;
    }
    const c = this.clocks.find((x) => x.port === clockPort);
    const index = c?.index ?? this.indexByName.get(clockPort);
    if (index === undefined) throw new Error(`${this.top}: no clock port '${clockPort}'`);
    this.n.tickPort(index, (c?.periodPs ?? DEFAULT_PERIOD_PS) / 2);
  }

  /** Cycles of the default clock so far (tick, runCycles, stepTime, runStreams). */
  get cycles(): number {
    return this.shared[0]!;
  }

  /** Runs n cycles of the default clock in native code, inputs held. */
  runCycles(n: number): number {
    return this.n.runCycles(n);
  }

  /** Simulation time in ps. */
  get timePs(): number {
    return this.n.timePs();
  }

  /**
   * Advances time by ps with every clock in spec.clocks toggling at its own half period; edges at the
   * same time are applied together and followed by one eval. onRise is told each rising edge.
   */
  stepTime(ps: number, onRise?: (clock: string) => void): number {
    if (!this.clocks.length) throw new Error(`${this.top}: stepTime needs spec.clocks (or a 'clk' port)`);
    const now = this.n.timePs();
    if (!this.scheduler || this.scheduler.now !== now) {
      this.scheduler = new ClockScheduler(
        this.clocks.map((c) => ({ name: c.port, view: this.port(c.port).array as Uint8Array, periodPs: c.periodPs })),
        now,
      );
    }
    const dflt = this.defaultClock!.port;
    const shared = this.shared;
    const sched = this.scheduler;
    const events = sched.step(ps, (t) => this.n.evalAt(t), (clk) => {
      if (clk === dflt) shared[0]! += 1;
      onRise?.(clk);
    });
    sched.now = this.n.timePs();
    return events;
  }

  /**
   * Opens a waveform file (FST or VCD as built), closing any open one; a relative path goes under
   * the waves folder (default name `<top>-<hash8>-<pid>-<n>.<kind>`). Returns the full path.
   */
  openTrace(file?: string): string {
    const kind = this.n.traceKind;
    if (!kind) throw new Error(`${this.top}: built without tracing: set spec.trace to 'fst' or 'vcd' (or TOE_WAVES=1)`);
    if (this.tracePath) this.closeTrace();
    const name = file ?? `${this.top}-${this.build.hash.slice(0, 8)}-${process.pid}-${++traceSerial}.${kind}`;
    const full = path.resolve(wavesDir(), name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    this.n.traceOpen(full);
    this.tracePath = full;
    return full;
  }

  closeTrace(): string | undefined {
    this.n.traceClose();
    const p = this.tracePath;
    this.tracePath = undefined;
    return p;
  }

  get tracing(): string | undefined {
    return this.tracePath;
  }

  /** Why the model stopped ($finish/$stop/fatal), or null while it runs. */
  get stopped(): string | null {
    return this.n.stopInfo();
  }

  /** An AXI4-Stream source feeding the model's slave port `<prefix>_tdata/_tvalid/_tready[/_tkeep/_tlast/_tuser]`. */
  streamSource(ports: string | AxisPortNames, opts?: { gap?: RandomPattern }): StreamSource {
    return new StreamSource(this, ports, opts);
  }

  /** An AXI4-Stream sink collecting the model's master port. */
  streamSink(ports: string | AxisPortNames, opts?: { backpressure?: RandomPattern; capacity?: number }): StreamSink {
    return new StreamSink(this, ports, opts);
  }

  /** Runs the default clock in native code with the given stream endpoints active. */
  runStreams(sources: StreamSource[], sinks: StreamSink[], opts?: StreamRunOptions): StreamRunResult {
    return runStreams(this, sources, sinks, opts);
  }

  /** final(), then frees the model; port views become empty. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.tracePath = undefined;
    this.n.destroy();
    this.release();
    // The shared object may soon serve another model: this object must not reach it any more.
    const top = this.top;
    this.n = new Proxy({} as NativeModel, {
      get: () => () => {
        throw new Error(`model ${top} is disposed`);
      },
    });
  }

  // StreamHost
  nativeModel(): NativeModel {
    return this.n;
  }
  portInfo(name: string): { index: number; width: number; dir: 'in' | 'out' | 'inout' } | undefined {
    const index = this.indexByName.get(name);
    const p = this.portsByName.get(name);
    return index === undefined || !p ? undefined : { index, width: p.width, dir: p.dir };
  }
}

/** Builds (or loads from the cache) and instantiates a model. */
export async function buildModel(spec: ModelSpec, opts: BuildOptions = {}): Promise<VerilatedModel> {
  const b = await buildSharedObject(spec, opts);
  return new VerilatedModel(spec, b);
}
