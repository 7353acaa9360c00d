// Runs operations through the tx_engine bench (one at a time, in order, with random gaps, skb stalls and output
// backpressure) and checks every frame, report and counter against the model.
import { expect } from 'vitest';
import { simulate, type BackendKind, type Sim } from '../../sim/harness.ts';
import { Xorshift } from '../../sim/stream-models.ts';
import { frameChecksums, parseFrame, type TcpFrame, type TcpOption } from '../../sim/packet/index.ts';
import { FrameCollector, describeFrame } from '../ack_tx/drivers.ts';
import { pokeStruct } from '../ack_tx/fields.ts';
import { txEngineDefaults, type TxEngineParams } from '../../blocks/tx_engine/params.ts';
import { COUNTERS, TxEngineBench } from './bench.ts';
import { TxEngineModel, type ExpectedFrame, type ModelCfg, type Op, type Txr } from './model.ts';

// A 512-byte payload FIFO: segments up to 512 bytes take one read pass, longer ones two (both paths tested).
export const BENCH: TxEngineParams = { ...txEngineDefaults, blocks: 16, blockBytes: 256, conns: 8, reserveBlocks: 2, fifoBytes: 512 };
export const LOCAL_MAC = 0x02000000000an;
export const TSVAL = 0x12345678;

export async function benchSim(backend: BackendKind, params: TxEngineParams = BENCH) {
  return simulate(TxEngineBench, params, { backend });
}

export const modelCfg = (p: TxEngineParams = BENCH): ModelCfg => ({
  conns: p.conns, blocks: p.blocks, blockBytes: p.blockBytes, reserveBlocks: p.reserveBlocks, beatBytes: p.width / 8, tsval: TSVAL,
});

export function txr(fields: Partial<Txr>): Txr {
  return {
    kind: 0, conn: 0, seq: 0, ack: 0, len: 0, flags: 0, mss: 0, ws_ok: 0, ws: 0, sack_ok: 0, ts_ok: 0, ts_ecr: 0, upto: 0,
    remote_mac: 0x020000000001n, local_ip: 0x0a000002, remote_ip: 0x0a000001, local_port: 80, remote_port: 40000,
    snd_nxt: 0, rcv_nxt: 0, rcv_wnd: 0, rcv_wscale: 0, tcb_ts_ok: 0, ts_recent: 0, rcvbuf: 0, ...fields,
  };
}

/** Drives the operations in order: each is offered only once the previous one was taken whole. */
class OpDriver {
  private i = 0;
  private beat = 0;
  private valid = '';
  private readonly rng: Xorshift;
  constructor(private readonly sim: Sim<unknown>, private readonly ops: Op[], private readonly gap: number, seed: number) {
    this.rng = new Xorshift(seed);
    for (const p of ['txr', 'sq_app', 'sq_base', 'sq_delete']) sim.poke(`${p}_valid` as never, 0);
    sim.addAgent(this);
  }
  get idle(): boolean { return this.i >= this.ops.length; }
  drive(): void {
    if (this.valid) this.sim.port(`${this.valid}_valid` as never).set(0);
    this.valid = '';
    const o = this.ops[this.i];
    if (!o || (this.gap && this.rng.next() < this.gap)) return;
    if (o.op === 'txr') { pokeStruct(this.sim, 'txr', o.req); this.valid = 'txr'; }
    else if (o.op === 'base') { pokeStruct(this.sim, 'sq_base', { conn: o.conn, value: o.value }); this.valid = 'sq_base'; }
    else if (o.op === 'del') { pokeStruct(this.sim, 'sq_delete', { conn: o.conn }); this.valid = 'sq_delete'; }
    else {
      const nb = BENCH.width / 8;
      const bytes = o.data.subarray(this.beat * nb, this.beat * nb + nb);
      let data = 0n;
      bytes.forEach((b, k) => { data |= BigInt(b) << BigInt(8 * k); });
      // A bad beat: a keep with a hole (lane 0 off, lane 1 on).
      const keep = this.beat === o.badKeepBeat ? 0b10 : (1 << bytes.length) - 1;
      pokeStruct(this.sim, 'sq_app', { conn: o.conn, data, keep, last: (this.beat + 1) * nb >= o.data.length ? 1 : 0 });
      this.valid = 'sq_app';
    }
    this.sim.port(`${this.valid}_valid` as never).set(1);
  }
  sample(): void {
    if (!this.valid || !this.sim.port(`${this.valid}_ready` as never).get()) return;
    const o = this.ops[this.i]!;
    if (o.op === 'app' && (this.beat + 1) * (BENCH.width / 8) < o.data.length) { this.beat++; return; }
    this.beat = 0;
    this.i++;
  }
}

/** Takes a valid/ready output's items with random ready. */
class ReportSink<T> {
  readonly items: T[] = [];
  private ready = false;
  private readonly rng: Xorshift;
  constructor(private readonly sim: Sim<unknown>, private readonly prefix: string, private readonly fields: string[], private readonly backpressure: number, seed: number) {
    this.rng = new Xorshift(seed);
    sim.addAgent(this);
  }
  drive(): void {
    this.ready = !(this.backpressure && this.rng.next() < this.backpressure);
    this.sim.port(`${this.prefix}_ready` as never).set(this.ready ? 1 : 0);
  }
  sample(): void {
    if (!this.ready || !this.sim.port(`${this.prefix}_valid` as never).get()) return;
    this.items.push(Object.fromEntries(this.fields.map((f) => [f, Number(this.sim.port(`${this.prefix}_${f}` as never).get())])) as T);
  }
}

export interface RunOpts {
  gap: number; backpressure: number; stall: number; seed: number; timeout?: number;
  /** The bench's parameters (BENCH unless given). */
  params?: TxEngineParams;
}

/** Runs the operations from reset; returns what came out, and the model that ran beside. */
export function runOps(sim: Sim<unknown>, ops: Op[], o: RunOpts) {
  sim.reset();
  sim.poke('local_mac' as never, LOCAL_MAC as never);
  sim.poke('tsval' as never, TSVAL);
  sim.poke('stall_rate' as never, o.stall);
  const model = new TxEngineModel(modelCfg(o.params));
  for (const op of ops) model.apply(op);
  const driver = new OpDriver(sim, ops, o.gap, o.seed);
  const frames = new FrameCollector(sim, 'm_axis', { backpressure: o.backpressure, seed: o.seed + 1 });
  const done = new ReportSink<{ conn: number; copied: number; nomem: number }>(sim, 'sq_app_done', ['conn', 'copied', 'nomem'], o.backpressure, o.seed + 2);
  const acked = new ReportSink<{ conn: number; ack: number; snd_nxt: number }>(sim, 'tx_acked', ['conn', 'ack', 'snd_nxt'], o.backpressure, o.seed + 3);
  const finished = () => driver.idle && frames.frames.length >= model.frames.length && done.items.length >= model.done.length && acked.items.length >= model.acked.length;
  const cycles = sim.until(finished, { timeout: o.timeout ?? 200_000 });
  sim.step(40); // anything extra would show now
  for (const a of [driver, done, acked]) sim.removeAgent(a as never);
  frames.detach();
  return { model, params: o.params ?? BENCH, cycles, frames: frames.frames.map((f) => f.data), done: done.items, acked: acked.items };
}

const mac = (m: Uint8Array) => m.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
const optionsOf = (opts: TcpOption[]) => opts.filter((x) => x.type !== 'nop' && x.type !== 'eol').map((x) => JSON.stringify(x)).sort();

export function expectFrameLike(got: Uint8Array, want: ExpectedFrame, what: string): void {
  const p = parseFrame(got);
  if (!p.ok || p.value.kind !== 'tcp') throw new Error(`${what}: not a TCP frame: ${describeFrame(got)}`);
  const f = p.value as TcpFrame;
  expect(frameChecksums(f), `${what}: checksums (${describeFrame(got)})`).toEqual({ ipv4: true, tcp: true });
  expect({
    dstMac: mac(f.eth.dst), srcMac: mac(f.eth.src), srcIp: f.ip.src, dstIp: f.ip.dst, srcPort: f.tcp.srcPort, dstPort: f.tcp.dstPort,
    seq: f.tcp.seq, ack: f.tcp.ack, flags: f.tcp.flags, window: f.tcp.window, options: optionsOf(f.tcp.options),
    payload: Buffer.from(f.payload).toString('hex'),
  }, what).toEqual({
    dstMac: want.dstMac, srcMac: LOCAL_MAC, srcIp: want.srcIp, dstIp: want.dstIp, srcPort: want.srcPort, dstPort: want.dstPort,
    seq: want.seq, ack: want.ack, flags: want.flags, window: want.window, options: optionsOf(want.options),
    payload: Buffer.from(want.payload).toString('hex'),
  });
}

/** Everything out equals the model: frames, append reports, TX reports, counters, blocks in use. */
export function checkRun(sim: Sim<unknown>, r: ReturnType<typeof runOps>): void {
  expect(r.frames.length, 'frame count').toBe(r.model.frames.length);
  r.frames.forEach((f, i) => expectFrameLike(f, r.model.frames[i]!, `frame ${i}`));
  expect(r.done, 'sq_app_done').toEqual(r.model.done);
  expect(r.acked, 'tx_acked').toEqual(r.model.acked);
  const counts = Object.fromEntries(Object.keys(r.model.counts).map((c) => [c, sim.peek(c as never)]));
  expect(counts, 'counters').toEqual(r.model.counts);
  expect(sim.peek('skb_error_count' as never), 'skb errors').toBe(0);
  expect(sim.peek('len_errors' as never), 'tx_builder length errors').toBe(0);
  expect(sim.peek('free_count' as never), 'skb blocks free').toBe(r.params.blocks - r.model.held);
  void COUNTERS;
}
