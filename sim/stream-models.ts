// AXI4-Stream agents for the harness, on either simulator: a source that sends frames from byte buffers
// (tkeep on the last beat, optional random valid gaps) and a sink that collects frames (optional random
// tready backpressure). Byte i of a beat is tdata[8i+7:8i], as in AXI4-Stream.
import type { Agent, Sim } from './harness.ts';
import type { PortAccess } from './backend.ts';

/** A small deterministic PRNG (xorshift32) so random gaps and backpressure are reproducible. */
export class Xorshift {
  private s: number;
  constructor(seed: number) { this.s = (seed >>> 0) || 0x9e3779b9; }
  next(): number { let x = this.s; x ^= x << 13; x ^= x >>> 17; x ^= x << 5; this.s = x >>> 0; return this.s / 4294967296; }
}

interface AxisPorts { tdata: PortAccess; tkeep?: PortAccess; tlast?: PortAccess; tuser?: PortAccess; tvalid: PortAccess; tready: PortAccess; bytes: number }

function axisPorts(sim: Sim<unknown>, prefix: string): AxisPorts {
  const has = (s: string) => sim.engine.ports.find((p) => p.name === `${prefix}_${s}`);
  const data = has('tdata');
  if (!data || !has('tvalid') || !has('tready')) throw new Error(`${sim.design.top.name} has no AXI4-Stream '${prefix}' (needs ${prefix}_tdata, _tvalid, _tready)`);
  const get = (s: string) => (has(s) ? sim.port(`${prefix}_${s}` as never) : undefined);
  return { tdata: get('tdata')!, tkeep: get('tkeep'), tlast: get('tlast'), tuser: get('tuser'), tvalid: get('tvalid')!, tready: get('tready')!, bytes: Math.max(1, data.width / 8) };
}

function pack(bytes: Uint8Array, off: number, n: number, beatBytes: number): number | bigint {
  if (beatBytes <= 4) {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[off + i]!;
    return v;
  }
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i]!);
  return v;
}

function unpack(v: number | bigint, out: number[], keep: number | bigint, beatBytes: number) {
  const big = BigInt(v), k = BigInt(keep);
  for (let i = 0; i < beatBytes; i++) if ((k >> BigInt(i)) & 1n) out.push(Number((big >> BigInt(8 * i)) & 0xffn));
}

/** A frame: its bytes, and tuser (a source drives it on every beat; a sink reports the OR over the beats). */
export interface Frame { data: Uint8Array; user?: number }

/** Feeds frames into the model's AXI4-Stream input `prefix` (ports prefix_tdata, ...). */
export class AxisSource implements Agent {
  private readonly p: AxisPorts;
  private readonly queue: Frame[] = [];
  private off = 0;
  private readonly rng: Xorshift;
  private valid = false;
  framesSent = 0;
  bytesSent = 0;
  /** The clock whose edges the source acts on (default: the main clock); name the stream's own domain's clock. */
  readonly clock: string | undefined;

  constructor(private readonly sim: Sim<unknown>, private readonly prefix: string, private readonly opts: { gap?: number; seed?: number; clock?: string } = {}) {
    this.clock = opts.clock;
    this.p = axisPorts(sim, prefix);
    this.rng = new Xorshift(opts.seed ?? 1);
    this.p.tvalid.set(0);
    sim.addAgent(this);
  }

  send(data: Uint8Array, user = 0): void {
    if (data.length === 0) throw new Error('AXI4-Stream frames need at least one byte');
    this.queue.push({ data, user });
  }
  get idle(): boolean { return this.queue.length === 0; }
  get pending(): number { return this.queue.length; }

  drive(): void {
    const f = this.queue[0];
    this.valid = !!f && !(this.opts.gap && this.rng.next() < this.opts.gap);
    this.p.tvalid.set(this.valid ? 1 : 0);
    if (!this.valid) return;
    const n = Math.min(this.p.bytes, f!.data.length - this.off);
    const last = this.off + n >= f!.data.length;
    this.p.tdata.set(pack(f!.data, this.off, n, this.p.bytes));
    this.p.tkeep?.set(this.p.bytes > 4 || n === this.p.bytes ? BigInt.asUintN(this.p.bytes, (1n << BigInt(n)) - 1n) : (1 << n) - 1);
    this.p.tlast?.set(last ? 1 : 0);
    this.p.tuser?.set(f!.user ?? 0);
  }

  sample(): void {
    if (!this.valid || !this.p.tready.get()) return;
    const f = this.queue[0]!;
    const n = Math.min(this.p.bytes, f.data.length - this.off);
    this.off += n;
    this.bytesSent += n;
    if (this.off >= f.data.length) {
      this.queue.shift();
      this.off = 0;
      this.framesSent++;
      this.sim.capture?.record(this.prefix, f.data, this.sim.timePs);
    }
  }
}

/** Collects frames from the model's AXI4-Stream output `prefix`. */
/** Collects frames; a frame's `user` is the OR of tuser over its beats (a flag raised on any beat shows). */
export class AxisSink implements Agent {
  private readonly p: AxisPorts;
  private readonly rng: Xorshift;
  private cur: number[] = [];
  private user = 0;
  private ready = false;
  readonly frames: Frame[] = [];
  /** The clock whose edges the sink acts on (default: the main clock); name the stream's own domain's clock. */
  readonly clock: string | undefined;

  constructor(private readonly sim: Sim<unknown>, private readonly prefix: string, private readonly opts: { backpressure?: number; seed?: number; clock?: string } = {}) {
    this.clock = opts.clock;
    this.p = axisPorts(sim, prefix);
    this.rng = new Xorshift(opts.seed ?? 2);
    sim.addAgent(this);
  }

  drive(): void {
    this.ready = !(this.opts.backpressure && this.rng.next() < this.opts.backpressure);
    this.p.tready.set(this.ready ? 1 : 0);
  }

  sample(): void {
    if (!this.ready || !this.p.tvalid.get()) return;
    const keep = this.p.tkeep ? this.p.tkeep.get() : (1n << BigInt(this.p.bytes)) - 1n;
    unpack(this.p.tdata.get(), this.cur, keep, this.p.bytes);
    if (this.p.tuser) this.user = (this.user | Number(this.p.tuser.get())) >>> 0;
    if (!this.p.tlast || this.p.tlast.get()) {
      this.frames.push({ data: Uint8Array.from(this.cur), user: this.p.tuser ? this.user : undefined });
      this.sim.capture?.record(this.prefix, this.frames.at(-1)!.data, this.sim.timePs);
      this.cur = [];
      this.user = 0;
    }
  }

  /** Removes and returns the frames collected so far. */
  take(): Frame[] { return this.frames.splice(0); }
}
