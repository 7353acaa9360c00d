// AXI4-Stream traffic through the native fast path (native/stream.h): sources and sinks keep their
// state between runs, so a long transfer can run in chunks with JS work in between.
import type { NativeModel } from './loader.ts';

export interface AxisPortNames {
  tdata: string;
  tvalid: string;
  tready: string;
  tkeep?: string;
  tlast?: string;
  tuser?: string;
}

/** Deterministic random pattern: on each cycle the event (gap / tready low) happens with probability prob. */
export interface RandomPattern {
  seed: number;
  prob: number;
}

/** What stream endpoints need from a model. */
export interface StreamHost {
  readonly top: string;
  nativeModel(): NativeModel;
  portInfo(name: string): { index: number; width: number; dir: 'in' | 'out' | 'inout' } | undefined;
  readonly cycles: number;
}

const SIGNALS = ['tdata', 'tkeep', 'tlast', 'tvalid', 'tready', 'tuser'] as const;

/** Port indexes in the order of native/stream.h: tdata, tkeep, tlast, tvalid, tready, tuser (-1 = absent). */
function resolve(host: StreamHost, ports: string | AxisPortNames, role: 'source' | 'sink'): { idx: number[]; beatBytes: number } {
  const names: Partial<Record<(typeof SIGNALS)[number], string>> =
    typeof ports === 'string' ? Object.fromEntries(SIGNALS.map((s) => [s, `${ports}_${s}`])) : ports;
  const label = typeof ports === 'string' ? ports : ports.tdata;
  const required = new Set(['tdata', 'tvalid', 'tready']);
  const idx: number[] = [];
  let beatBytes = 0;
  for (const sig of SIGNALS) {
    const name = names[sig];
    const info = name === undefined ? undefined : host.portInfo(name);
    if (!info) {
      if (required.has(sig) || (typeof ports !== 'string' && name !== undefined))
        throw new Error(`${host.top}: stream ${role} '${label}' has no port ${name ?? sig}`);
      idx.push(-1);
      continue;
    }
    // A source drives everything but tready; a sink drives only tready.
    const modelDrives = (sig === 'tready') === (role === 'source');
    const want = modelDrives ? 'out' : 'in';
    if (info.dir !== want && info.dir !== 'inout')
      throw new Error(`${host.top}: stream ${role} port ${name} must be a model ${want}put`);
    if ((sig === 'tvalid' || sig === 'tready' || sig === 'tlast') && info.width !== 1)
      throw new Error(`${host.top}: ${name} must be 1 bit wide`);
    if (sig === 'tdata') {
      if (info.width % 8) throw new Error(`${host.top}: ${name} width ${info.width} is not a whole number of bytes`);
      beatBytes = info.width / 8;
    }
    if (sig === 'tkeep' && info.width !== beatBytes) throw new Error(`${host.top}: ${name} must be ${beatBytes} bits wide`);
    if (sig === 'tuser' && info.width > 32) throw new Error(`${host.top}: ${name} wider than 32 bits is not supported`);
    idx.push(info.index);
  }
  return { idx, beatBytes };
}

function threshold(p?: RandomPattern): number {
  if (!p || !(p.prob > 0)) return 0;
  return Math.min(0xffffffff, Math.floor(p.prob * 2 ** 32));
}

function seedOf(p: RandomPattern | undefined, dflt: number): number {
  return (p?.seed ?? dflt) >>> 0 || dflt;
}

/** Feeds frames into the model's AXI4-Stream slave port (model inputs tdata/tvalid/..., output tready). */
export class StreamSource {
  readonly ports: number[];
  readonly beatBytes: number;
  readonly thresh: number;
  readonly hasUser: boolean;
  /** Native state, see native/stream.h. */
  readonly state = new Float64Array(8);
  private queue: { data: Uint8Array; user: number }[] = [];
  private dropped = 0; // frames removed from the front of queue (all sent)
  private dirty = false;
  data = new Uint8Array(0);
  lens = new Uint32Array(0);
  users: Uint32Array | null = null;

  constructor(host: StreamHost, ports: string | AxisPortNames, opts: { gap?: RandomPattern } = {}) {
    const r = resolve(host, ports, 'source');
    this.ports = r.idx;
    this.beatBytes = r.beatBytes;
    this.hasUser = r.idx[5]! >= 0;
    this.thresh = threshold(opts.gap);
    this.state[3] = seedOf(opts.gap, 0x9e3779b9);
  }

  push(frame: Uint8Array, user = 0): void {
    if (!frame.length) throw new Error('StreamSource.push: empty frames cannot be sent on AXI4-Stream');
    this.queue.push({ data: frame, user });
    this.dirty = true;
  }

  pushAll(frames: Iterable<Uint8Array>): void {
    for (const f of frames) this.push(f);
  }

  get framesSent(): number {
    return this.dropped + this.state[0]!;
  }
  get bytesSent(): number {
    return this.state[6]!;
  }
  get pending(): number {
    return this.dropped + this.queue.length - this.framesSent;
  }

  /** Packs unsent frames into one buffer for the native loop (only after new pushes). */
  prepare(): void {
    if (!this.dirty) return;
    const done = this.state[0]!;
    this.queue = this.queue.slice(done);
    this.dropped += done;
    this.state[0] = 0;
    this.state[4] = 0;
    let total = 0;
    for (const f of this.queue) total += f.data.length;
    this.data = new Uint8Array(total);
    this.lens = new Uint32Array(this.queue.length);
    this.users = this.hasUser ? new Uint32Array(this.queue.length) : null;
    let off = 0;
    this.queue.forEach((f, i) => {
      this.data.set(f.data, off);
      off += f.data.length;
      this.lens[i] = f.data.length;
      if (this.users) this.users[i] = f.user >>> 0;
    });
    this.dirty = false;
  }

  nativeCount(): number {
    return this.lens.length;
  }
}

/** Collects frames from the model's AXI4-Stream master port. */
export class StreamSink {
  readonly ports: number[];
  readonly beatBytes: number;
  readonly thresh: number;
  readonly state = new Float64Array(8);
  /** Total frames (over the sink's life) a run waits for before it may finish; 0 = no wait. */
  expectFrames = 0;
  data: Uint8Array;
  lens: Uint32Array;
  users: Uint32Array | null;
  private taken = 0;

  constructor(host: StreamHost, ports: string | AxisPortNames, opts: { backpressure?: RandomPattern; capacity?: number } = {}) {
    const r = resolve(host, ports, 'sink');
    this.ports = r.idx;
    this.beatBytes = r.beatBytes;
    this.thresh = threshold(opts.backpressure);
    this.state[3] = seedOf(opts.backpressure, 0x2545f491);
    this.data = new Uint8Array(Math.max(opts.capacity ?? 1 << 16, 4 * this.beatBytes));
    this.lens = new Uint32Array(256);
    this.users = r.idx[5]! >= 0 ? new Uint32Array(256) : null;
  }

  get framesReceived(): number {
    return this.taken + this.state[0]!;
  }
  get bytesReceived(): number {
    return this.state[6]!;
  }

  nativeCount(): number {
    return this.expectFrames > 0 ? Math.max(0, this.expectFrames - this.taken) : 0;
  }

  /** Makes room after the native loop reported a full sink. */
  grow(): void {
    const used = this.state[1]!;
    if (used + this.beatBytes > this.data.length) {
      const d = new Uint8Array(this.data.length * 2);
      d.set(this.data.subarray(0, used));
      this.data = d;
    }
    if (this.state[0]! >= this.lens.length) {
      const l = new Uint32Array(this.lens.length * 2);
      l.set(this.lens);
      this.lens = l;
      if (this.users) {
        const u = new Uint32Array(this.lens.length);
        u.set(this.users);
        this.users = u;
      }
    }
  }

  /** Complete frames received since the last take (copies), each with the OR of its beats' tuser. */
  takeWithUser(): { data: Uint8Array; user: number }[] {
    const n = this.state[0]!;
    const out: { data: Uint8Array; user: number }[] = [];
    let off = 0;
    for (let i = 0; i < n; i++) {
      const len = this.lens[i]!;
      out.push({ data: this.data.slice(off, off + len), user: this.users ? this.users[i]! : 0 });
      off += len;
    }
    this.discard(); // keeps the partial frame (if any) at the start of the buffer
    return out;
  }

  take(): Uint8Array[] {
    return this.takeWithUser().map((f) => f.data);
  }

  /** Drops the complete frames received so far without copying them (they still count as received). */
  discard(): number {
    const n = this.state[0]!;
    let off = 0;
    for (let i = 0; i < n; i++) off += this.lens[i]!;
    const used = this.state[1]!;
    this.data.copyWithin(0, off, used);
    this.state[0] = 0;
    this.state[1] = used - off;
    this.taken += n;
    return n;
  }
}

export interface StreamRunOptions {
  /** Upper bound on cycles for this run (default: unbounded). */
  maxCycles?: number;
  /** false: run exactly maxCycles whatever the traffic. Default true. */
  stopWhenDone?: boolean;
  /** Once sources are drained and sink expectations met, stop after this many cycles without sink traffic (default 32). */
  idleCycles?: number;
  /** Stop as 'stalled' after this many cycles without any handshake while work remains (default 100000). */
  stallCycles?: number;
}

export interface StreamRunResult {
  status: 'done' | 'maxCycles' | 'stalled';
  cycles: number;
  framesIn: number;
  bytesIn: number;
  framesOut: number;
  bytesOut: number;
}

const STATUS = ['done', 'maxCycles', 'stalled'] as const;

export function runStreams(host: StreamHost, sources: StreamSource[], sinks: StreamSink[], opts: StreamRunOptions = {}): StreamRunResult {
  const native = host.nativeModel();
  const eps = [...sources, ...sinks];
  const params = new Float64Array(6 + 8 * eps.length);
  const maxCycles = opts.maxCycles ?? Number.MAX_SAFE_INTEGER;
  params[1] = opts.stopWhenDone === false ? 0 : 1;
  params[2] = opts.idleCycles ?? 32;
  params[3] = opts.stallCycles ?? 100_000;
  params[4] = sources.length;
  params[5] = sinks.length;
  const c0 = host.cycles;
  const in0 = sources.map((s) => [s.framesSent, s.bytesSent]);
  const out0 = sinks.map((s) => [s.framesReceived, s.bytesReceived]);
  for (const s of sources) s.prepare();
  let status: number;
  for (;;) {
    const bufs: (ArrayBufferView | null)[] = [];
    eps.forEach((e, i) => {
      params.set(e.ports, 6 + 8 * i);
      params[6 + 8 * i + 6] = e.thresh;
      params[6 + 8 * i + 7] = e.nativeCount();
      bufs.push(e.data, e.lens, e.users, e.state);
    });
    params[0] = maxCycles - (host.cycles - c0);
    status = native.runStreams(params, bufs);
    if (status !== 3) break;
    for (const k of sinks) k.grow(); // a sink was full: grow and go on
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    status: STATUS[status]!,
    cycles: host.cycles - c0,
    framesIn: sum(sources.map((s, i) => s.framesSent - in0[i]![0]!)),
    bytesIn: sum(sources.map((s, i) => s.bytesSent - in0[i]![1]!)),
    framesOut: sum(sinks.map((s, i) => s.framesReceived - out0[i]![0]!)),
    bytesOut: sum(sinks.map((s, i) => s.bytesReceived - out0[i]![1]!)),
  };
}
