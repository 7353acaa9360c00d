// Running the ack_tx blocks in tests: frame collectors that note cycles, and checks of frames against the reference.
import { expect } from 'vitest';
import type { Sim } from '../../sim/harness.ts';
import { AxisSink, AxisSource, Xorshift } from '../../sim/stream-models.ts';
import { frameChecksums, parseFrame, tcpFlagsToString, type TcpFrame } from '../../sim/packet/index.ts';
import { HandshakeSource, pokeStruct, type AckEvent, type SegmentDesc } from './fields.ts';
import { expectedSegmentFrame } from './reference.ts';

export interface TimedFrame { data: Uint8Array; first: number; last: number }

/** Collects frames from an AXI4-Stream output with the cycles of their first and last beats; random tready. */
export class FrameCollector {
  private readonly sink: AxisSink;
  private first = -1;
  readonly frames: TimedFrame[] = [];
  private readonly agent;

  constructor(private readonly sim: Sim<unknown>, prefix: string, opts: { backpressure?: number; seed?: number } = {}) {
    this.sink = new AxisSink(sim, prefix, opts);
    const valid = sim.port(`${prefix}_tvalid` as never), ready = sim.port(`${prefix}_tready` as never), last = sim.port(`${prefix}_tlast` as never);
    this.agent = sim.addAgent({
      sample: () => {
        if (!valid.get() || !ready.get()) return;
        if (this.first < 0) this.first = sim.cycle;
        if (last.get()) {
          const f = this.sink.frames.shift()!;
          this.frames.push({ data: f.data, first: this.first, last: sim.cycle });
          this.first = -1;
        }
      },
    });
  }

  detach(): void { this.sim.removeAgent(this.sink); this.sim.removeAgent(this.agent); }
}

/** A readable account of a TCP frame for failure messages. */
export function describeFrame(bytes: Uint8Array): string {
  const p = parseFrame(bytes);
  if (!p.ok) return `unparseable (${p.error.reason}: ${p.error.message ?? ''}), ${bytes.length} bytes`;
  if (p.value.kind !== 'tcp') return `${p.value.kind} frame`;
  const { ip, tcp, payload } = p.value as TcpFrame;
  return `${bytes.length}B id=${ip.id} len=${ip.totalLength} ${tcp.srcPort}>${tcp.dstPort} seq=${tcp.seq} ack=${tcp.ack} [${tcpFlagsToString(tcp.flags)}] win=${tcp.window} `
    + `opts=${JSON.stringify(tcp.options)} payload=${payload.length}B csum ip=${ip.checksum.toString(16)} tcp=${tcp.checksum.toString(16)}`;
}

/** The frame parses as TCP, both checksums verify, and it equals the reference byte for byte. */
export function expectFrame(got: Uint8Array, want: Uint8Array, what: string): void {
  const p = parseFrame(got);
  expect(p.ok, `${what}: parses`).toBe(true);
  if (!p.ok || p.value.kind !== 'tcp') throw new Error(`${what}: not a TCP frame: ${describeFrame(got)}`);
  expect(frameChecksums(p.value), `${what}: checksums`).toEqual({ ipv4: true, tcp: true });
  const same = got.length === want.length && got.every((b, i) => b === want[i]);
  if (!same) expect(describeFrame(got), what).toBe(describeFrame(want));
  expect(same, `${what}: bytes equal the reference (${describeFrame(got)})`).toBe(true);
}

export interface Segment { desc: SegmentDesc; payload: Uint8Array }

/** Payload bytes from a seed (cheap for fast-check: a length and a seed instead of 9000 shrinkable bytes). */
export function payloadBytes(length: number, seed: number): Uint8Array {
  const r = new Xorshift(seed + 1);
  return Uint8Array.from({ length }, () => Math.floor(r.next() * 256));
}

/**
 * Sends segments through a tx_builder-shaped DUT (ports desc, s_axis, m_axis, tsval) after a reset, with
 * random descriptor gaps, payload gaps and output backpressure; returns the frames and the expected ones.
 */
export function runTxBuilder(sim: Sim<unknown>, segments: Segment[], opts: { tsval: number; gap: number; backpressure: number; seed: number; timeout?: number; expect?: number }) {
  sim.reset();
  sim.poke('tsval' as never, opts.tsval);
  const descs = new HandshakeSource<SegmentDesc>(sim, 'desc', { gap: opts.gap, seed: opts.seed });
  const src = new AxisSource(sim, 's_axis', { gap: opts.gap, seed: opts.seed + 1 });
  const out = new FrameCollector(sim, 'm_axis', { backpressure: opts.backpressure, seed: opts.seed + 2 });
  for (const s of segments) {
    descs.push(s.desc);
    if (s.payload.length) src.send(s.payload);
  }
  try {
    const budget = opts.timeout ?? 2000 + segments.reduce((n, s) => n + 4 * (s.payload.length + 100), 0);
    const want = opts.expect ?? segments.length;
    sim.until(() => out.frames.length >= want && descs.idle && src.idle, { timeout: budget, what: `${want} frames out` });
    sim.step(20);
  } finally {
    descs.detach(); sim.removeAgent(src); out.detach();
  }
  const expected = segments.map((s, i) => expectedSegmentFrame(s.desc, s.payload, opts.tsval, i));
  return { frames: out.frames, expected };
}

export interface AckGenConfig { delackTimeout: number; chalInterval: number; chalLimit: number; tsval: number }

/** Resets an ack_gen-shaped DUT and sets its configuration inputs. */
export function resetAckGen(sim: Sim<unknown>, c: AckGenConfig): void {
  sim.reset();
  sim.poke('delack_timeout' as never, c.delackTimeout);
  sim.poke('chal_interval' as never, c.chalInterval);
  sim.poke('chal_limit' as never, c.chalLimit);
  sim.poke('tsval' as never, c.tsval);
  sim.poke('tx_acked_valid' as never, 0);
  sim.poke('sack_set_valid' as never, 0);
}

/** Feeds events to an ack_gen DUT (after resetAckGen) until `expectFrames` frames are out and the queue is empty. */
export function runAckEvents(sim: Sim<unknown>, events: AckEvent[], opts: { expectFrames: number; gap?: number; backpressure?: number; seed?: number; settle?: number; timeout?: number }) {
  const evs = new HandshakeSource<AckEvent>(sim, 'ev', { gap: opts.gap, seed: opts.seed });
  const out = new FrameCollector(sim, 'm_axis', { backpressure: opts.backpressure, seed: (opts.seed ?? 0) + 1 });
  evs.push(...events);
  try {
    sim.until(() => out.frames.length >= opts.expectFrames && evs.idle, { timeout: opts.timeout ?? 1000 + 60 * events.length, what: `${opts.expectFrames} frames out` });
    sim.step(opts.settle ?? 40);
  } finally {
    evs.detach(); out.detach();
  }
  return { frames: out.frames, taken: evs.taken };
}

/**
 * Drives several valid/ready ports from one ordered list: each item is offered only after the one before it was
 * taken, so the DUT sees them in list order (back to back when `gap` is 0). With `together`, an item on
 * `together[0]` followed by one on `together[1]` are offered in the same cycle (the DUT's priority must take
 * them in order). Records the cycle each item was taken.
 */
export class OrderedSource {
  private readonly queue: { port: string; item: object }[] = [];
  private readonly rng: Xorshift;
  private offered: { port: string; item: object }[] = [];
  private readonly shown = new Map<string, object>();
  readonly taken: { port: string; item: object; cycle: number }[] = [];

  constructor(private readonly sim: Sim<unknown>, private readonly ports: string[], private readonly opts: { gap?: number; seed?: number; together?: [string, string] } = {}) {
    this.rng = new Xorshift(opts.seed ?? 5);
    for (const p of ports) sim.poke(`${p}_valid` as never, 0);
    sim.addAgent(this);
  }

  push(port: string, item: object): this { this.queue.push({ port, item }); return this; }
  get idle(): boolean { return this.queue.length === 0; }

  drive(): void {
    const idle = !!this.opts.gap && this.rng.next() < this.opts.gap;
    const [a, b] = [this.queue[0], this.queue[1]];
    this.offered = idle || !a ? [] : [a];
    const t = this.opts.together;
    if (a && b && t && a.port === t[0] && b.port === t[1] && this.offered.length) this.offered.push(b);
    for (const p of this.ports) {
      const o = this.offered.find((x) => x.port === p);
      this.sim.port(`${p}_valid` as never).set(o ? 1 : 0);
      if (o && this.shown.get(p) !== o.item) { pokeStruct(this.sim, p, o.item); this.shown.set(p, o.item); }
    }
  }

  sample(): void {
    for (const o of this.offered) {
      if (!this.sim.port(`${o.port}_ready` as never).get()) continue;
      const i = this.queue.indexOf(o);
      if (i !== 0) throw new Error(`${o.port}: taken out of order (queue position ${i})`);
      this.queue.shift();
      this.taken.push({ ...o, cycle: this.sim.cycle });
    }
  }

  detach(): void { this.sim.removeAgent(this); for (const p of this.ports) this.sim.poke(`${p}_valid` as never, 0); }
}
