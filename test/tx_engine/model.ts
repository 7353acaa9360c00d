// A reference model of the tx_engine, written from sim/toe_model/toe.ts's txSeg / readSendQueue / txSyn / TX_RST /
// sqRelease and copyIn's queue side: what each operation must produce (frames, reports, counters).
import type { TcpOption } from '../../sim/packet/index.ts';

export const TXR = { SEG: 0, SYN: 1, RST: 2, RELEASE: 3 } as const;
const FIN = 0x01, RST = 0x04, ACK = 0x10;

/** A txr request: the command's fields and the TCB fields (txr.ts names); omitted fields are 0. */
export interface Txr {
  kind: number; conn: number; seq: number; ack: number; len: number; flags: number;
  mss: number; ws_ok: number; ws: number; sack_ok: number; ts_ok: number; ts_ecr: number; upto: number;
  remote_mac: bigint; local_ip: number; remote_ip: number; local_port: number; remote_port: number;
  snd_nxt: number; rcv_nxt: number; rcv_wnd: number; rcv_wscale: number; tcb_ts_ok: number; ts_recent: number; rcvbuf: number;
}

export type Op =
  | { op: 'txr'; req: Txr }
  | { op: 'app'; conn: number; data: Uint8Array; badKeepBeat?: number }
  | { op: 'base'; conn: number; value: number }
  | { op: 'del'; conn: number };

export interface ExpectedFrame {
  dstMac: bigint; srcIp: number; dstIp: number; srcPort: number; dstPort: number; seq: number; ack: number; flags: number;
  window: number; options: TcpOption[]; payload: Uint8Array;
}

export interface ModelCfg { conns: number; blocks: number; blockBytes: number; reserveBlocks: number; beatBytes: number; tsval: number }

const u32 = (x: number) => x >>> 0;
const diff = (a: number, b: number) => (a - b) | 0;

export class TxEngineModel {
  readonly frames: ExpectedFrame[] = [];
  readonly done: { conn: number; copied: number; nomem: number }[] = [];
  readonly acked: { conn: number; ack: number; snd_nxt: number }[] = [];
  readonly counts = { bad_conn_count: 0, seg_range_count: 0, sq_base_refused_count: 0, app_nomem_count: 0, app_keep_count: 0 };
  readonly q: { base: number; data: number[] }[];
  held = 0;

  constructor(readonly cfg: ModelCfg) {
    this.q = Array.from({ length: cfg.conns }, () => ({ base: 0, data: [] }));
  }

  private blocksOf(bytes: number): number { return Math.ceil(bytes / this.cfg.blockBytes); }

  apply(o: Op): void {
    if (o.op === 'txr') return this.txr(o.req);
    if (o.conn >= this.cfg.conns) {
      this.counts.bad_conn_count++;
      if (o.op === 'app') this.done.push({ conn: o.conn, copied: 0, nomem: 0 });
      return;
    }
    const q = this.q[o.conn]!;
    if (o.op === 'base') {
      if (q.data.length) this.counts.sq_base_refused_count++;
      else q.base = o.value;
    } else if (o.op === 'del') {
      this.held -= this.blocksOf(q.data.length);
      q.base = 0; q.data = [];
    } else {
      const B = this.cfg.blockBytes, nb = this.cfg.beatBytes;
      let copied = 0, nomem = false;
      for (let beat = 0; beat * nb < o.data.length && !nomem; beat++) {
        if (beat === o.badKeepBeat) { this.counts.app_keep_count++; continue; }
        for (const byte of o.data.subarray(beat * nb, beat * nb + nb)) {
          if (q.data.length % B === 0) {
            if (this.held >= this.cfg.blocks - this.cfg.reserveBlocks) { nomem = true; break; }
            this.held++;
          }
          q.data.push(byte);
          copied++;
        }
      }
      if (nomem) this.counts.app_nomem_count++;
      this.done.push({ conn: o.conn, copied, nomem: nomem ? 1 : 0 });
    }
  }

  private txr(r: Txr): void {
    const frame = (seq: number, ack: number, window: number, options: TcpOption[], payload = new Uint8Array()) => this.frames.push({
      dstMac: r.remote_mac, srcIp: r.local_ip, dstIp: r.remote_ip, srcPort: r.local_port, dstPort: r.remote_port,
      seq, ack, flags: r.flags & 0xff, window, options, payload,
    });
    if (r.kind === TXR.RST) return void frame(r.seq, r.ack, 0, []);
    if (r.conn >= this.cfg.conns) { this.counts.bad_conn_count++; return; }
    const q = this.q[r.conn]!;
    const report = (ack: number, end: number) => this.acked.push({ conn: r.conn, ack, snd_nxt: diff(end, r.snd_nxt) > 0 ? u32(end) : r.snd_nxt });
    if (r.kind === TXR.SYN) {
      const options: TcpOption[] = [{ type: 'mss', mss: r.mss }];
      if (r.sack_ok) options.push({ type: 'sack-permitted' });
      if (r.ts_ok) options.push({ type: 'timestamps', tsval: this.cfg.tsval, tsecr: r.ts_ecr });
      if (r.ws_ok) options.push({ type: 'wscale', shift: r.ws });
      frame(r.seq, r.ack, Math.min(r.rcvbuf, 0xffff), options);
      if (r.flags & ACK) report(r.ack, u32(r.seq + 1));
      return;
    }
    if (r.kind === TXR.RELEASE) {
      while (q.data.length > 0) {
        const len = Math.min(this.cfg.blockBytes, q.data.length);
        if (diff(r.upto, u32(q.base + len)) < 0) break;
        q.data.splice(0, len);
        q.base = u32(q.base + len);
        this.held--;
      }
      return;
    }
    const off = u32(r.seq - q.base);
    if (r.len > 0 && off + r.len > q.data.length) { this.counts.seg_range_count++; return; }
    const payload = Uint8Array.from(q.data.slice(off, off + r.len));
    const ackBit = (r.flags & ACK) !== 0;
    const window = ackBit ? Math.min(Math.floor(r.rcv_wnd / 2 ** Math.min(r.rcv_wscale, 14)), 0xffff) : 0;
    const options: TcpOption[] = r.tcb_ts_ok && !(r.flags & RST) ? [{ type: 'timestamps', tsval: this.cfg.tsval, tsecr: r.ts_recent }] : [];
    frame(r.seq, ackBit ? r.rcv_nxt : 0, window, options, payload);
    if (ackBit) report(r.rcv_nxt, u32(r.seq + r.len + (r.flags & FIN ? 1 : 0)));
  }
}
