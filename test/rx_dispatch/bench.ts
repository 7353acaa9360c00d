// Drives RxDispatch alone: segment records poked field by field (zero unless given), payload frames through an
// AxisSource, and a TS stand-in for the skb manager (alloc ids, block bytes, meta, queue) and the event sinks.
import { simulate, type BackendKind, type Sim } from '../../sim/harness.ts';
import { AxisSource } from '../../sim/stream-models.ts';
import { RxDispatch, rxDispatchDefaults } from '../../blocks/rx_dispatch/rx-dispatch.ts';
import { recordFields } from '../../blocks/toe_rx/record.ts';
import { unpackRecord, type FwEvent } from '../../firmware/api.ts';
import { MAX_SACK_BLOCKS } from '../../blocks/ack_tx/types.ts';

export const LOCAL_IP = 0x0a000001;
export const LOCAL_MAC = 0x020000000001;

const words = (v: bigint): bigint[] => [0, 1, 2].map((i) => (v >> BigInt(128 * i)) & ((1n << 128n) - 1n));
export const decodeEvent = (v: bigint): FwEvent => unpackRecord(words(v), 'event') as FwEvent;

export interface Outcome {
  rx: FwEvent[]; tx: FwEvent[]; ack: Record<string, number>[];
  blocks: Map<number, Uint8Array>; meta: { id: number; len: number; seq: number }[]; enq: { conn: number; dir: number; id: number }[];
  learn: { ip: number; mac: number }[];
}

const ACK_FIELDS = ['conn', 'event', 'mss', 'dst_mac', 'src_mac', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'snd_nxt', 'rcv_nxt',
  'rcv_wnd', 'rcv_wscale', 'ts_enabled', 'ts_recent', 'sack_count', 'seg_seq', 'seg_ack', 'seg_len', 'seg_flags'];

export class Bench {
  payload: AxisSource;
  allocReady = true;
  readyProb = 1;
  nextId = 5;
  private rngState = 7;
  out: Outcome = { rx: [], tx: [], ack: [], blocks: new Map(), meta: [], enq: [], learn: [] };

  private constructor(readonly sim: Sim<unknown>) {
    this.payload = new AxisSource(sim, 'payload', { seed: 3 });
  }
  static async create(backend: BackendKind): Promise<Bench> {
    const sim = await simulate(RxDispatch, rxDispatchDefaults, { backend });
    const b = new Bench(sim as unknown as Sim<unknown>);
    b.sim.poke('local_ip' as never, LOCAL_IP);
    b.sim.poke('local_mac' as never, BigInt(LOCAL_MAC) as never);
    b.sim.reset();
    return b;
  }
  private rand(): number { this.rngState = (this.rngState * 1103515245 + 12345) >>> 0; return (this.rngState >>> 8) / 2 ** 24; }

  /** One record (and its payload frame if given); runs until the record is taken, collecting everything. */
  dispatch(rec: Record<string, number | bigint>, payload?: Uint8Array, timeout = 2000): void {
    const s = this.sim;
    const full: Record<string, number | bigint> = { reason: 0, ip_dst: LOCAL_IP, has_payload: payload ? 1 : 0, ...rec };
    for (const [n, bits] of recordFields(1)) {
      const v = full[n] ?? 0;
      s.poke(`seg_${n}` as never, (bits > 32 ? BigInt(v) : Number(v)) as never);
    }
    if (payload) this.payload.send(payload);
    s.poke('seg_valid' as never, 1);
    for (let c = 0; ; c++) {
      if (c > timeout) throw new Error('record not taken');
      const ready = (): number => (this.rand() < this.readyProb ? 1 : 0);
      for (const p of ['rx_event_ready', 'tx_event_ready', 'ack_ev_ready', 'skb_q_ready', 'skb_meta_wr_ready', 'skb_wr_ready']) s.poke(p as never, ready() as never);
      s.poke('skb_alloc_ready' as never, (this.allocReady ? 1 : 0) as never);
      s.poke('skb_alloc_id' as never, this.nextId as never);
      const taken = !!s.peek('seg_ready' as never);
      this.sample();
      s.step();
      if (taken) break;
    }
    s.poke('seg_valid' as never, 0);
    for (let c = 0; c < 4; c++) { this.sample(); s.step(); }
  }

  private sample(): void {
    const s = this.sim, pk = (n: string) => s.peek(n as never) as unknown as number | bigint, o = this.out;
    const fire = (v: string, r: string) => !!pk(v) && !!pk(r);
    if (fire('skb_alloc_valid', 'skb_alloc_ready')) this.nextId++;
    if (fire('rx_event_valid', 'rx_event_ready')) o.rx.push(decodeEvent(BigInt(pk('rx_event_data'))));
    if (fire('tx_event_valid', 'tx_event_ready')) o.tx.push(decodeEvent(BigInt(pk('tx_event_data'))));
    if (fire('ack_ev_valid', 'ack_ev_ready')) {
      const a: Record<string, number> = {};
      for (const f of ACK_FIELDS) a[f] = Number(pk(`ack_ev_${f}`));
      for (let b = 0; b < MAX_SACK_BLOCKS; b++) { a[`left${b}`] = Number(pk(`ack_ev_sack_${b}_left`)); a[`right${b}`] = Number(pk(`ack_ev_sack_${b}_right`)); }
      o.ack.push(a);
    }
    if (fire('skb_wr_valid', 'skb_wr_ready')) {
      const id = Number(pk('skb_wr_block')), off = Number(pk('skb_wr_offset')), data = BigInt(pk('skb_wr_data')), keep = Number(pk('skb_wr_keep'));
      const blk = o.blocks.get(id) ?? new Uint8Array(2048).fill(0xee);
      for (let i = 0; i < 8; i++) if ((keep >> i) & 1) blk[off * 8 + i] = Number((data >> BigInt(8 * i)) & 0xffn);
      o.blocks.set(id, blk);
    }
    if (fire('skb_meta_wr_valid', 'skb_meta_wr_ready') && (Number(pk('skb_meta_wr_fields')) !== 7 || Number(pk('skb_meta_wr_csum')) !== 0)) {
      // csum is the offset of the block's first byte for the user (cmd_exec's DELIVER, host_glue): 0 here, written.
      throw new Error(`meta write with fields ${pk('skb_meta_wr_fields')} csum ${pk('skb_meta_wr_csum')}: want fields 7, csum 0`);
    }
    if (fire('skb_meta_wr_valid', 'skb_meta_wr_ready')) o.meta.push({ id: Number(pk('skb_meta_wr_id')), len: Number(pk('skb_meta_wr_len')), seq: Number(pk('skb_meta_wr_seq')) });
    if (fire('skb_q_valid', 'skb_q_ready')) o.enq.push({ conn: Number(pk('skb_q_conn')), dir: Number(pk('skb_q_dir')), id: Number(pk('skb_q_id')) });
    if (pk('learn_valid')) o.learn.push({ ip: Number(pk('learn_ip')), mac: Number(pk('learn_mac')) });
  }

  take(): Outcome { const o = this.out; this.out = { rx: [], tx: [], ack: [], blocks: new Map(), meta: [], enq: [], learn: [] }; return o; }
  count(name: string): number { return Number(this.sim.peek(`${name}_count` as never)); }
  close(): void { this.sim.close(); }
}
