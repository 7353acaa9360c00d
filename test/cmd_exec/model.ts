// A TS reference model of cmd_exec: Toe.exec's semantics (sim/toe_model/toe.ts) on cmd_exec's ports. Given the
// commands in the order the RTL took them, it predicts what each output port carries and the counters.
import { NO_SKB, TcbField, type FwCommand } from '../../firmware/api.ts';
import { fieldMask, freshTcb, maskedFields, rcvWindow, type TcbFields, type WritableField } from '../../blocks/conn_table/tcb.ts';
import { INSERT_DEFAULTS, TIMER_KIND_OF_ID, type CounterName } from '../../blocks/cmd_exec/params.ts';

export interface Logs {
  txr: Txr[];
  sqDelete: number[];
  hreq: number[];
  ack: { conn: number; event: number; seg_len: number; sack_count: number; left0: number; right0: number }[];
  sack: { conn: number; count: number; left0: number }[];
  timer: { op: number; conn: number; kind: number; timeout: number }[];
  free: number[];
  q: { op: number; conn: number; dir: number; id: number }[];
  meta: { id: number; len: number; seq: number; csum: number }[];
  sqBase: { conn: number; value: number }[];
  mail: { to: 'rx' | 'tx'; conn: number; msg: number; arg: number }[];
  wndOpen: { conn: number; rcv_wnd: number }[];
  /** eof_notify pulses: a DELIVER consumed the connection's FIN. */
  eof: number[];
}
/** What the testbench compares of a tx_engine request. */
export interface Txr {
  kind: number; conn: number; seq: number; ack: number; len: number; flags: number; upto: number;
  remote_mac: number; local_ip: number; remote_ip: number; remote_port: number; snd_nxt: number; rcv_wnd: number;
}
export const emptyLogs = (): Logs => ({ txr: [], sqDelete: [], hreq: [], ack: [], sack: [], timer: [], free: [], q: [], meta: [], sqBase: [], mail: [], wndOpen: [], eof: [] });

const seqGt = (a: number, b: number) => { const d = (a - b) >>> 0; return d !== 0 && d < 0x80000000; };
const u32 = (x: number) => x >>> 0;

export interface ModelCfg { conns: number; blocks: number; timeoutBits: number; localIp: number; broadcast: bigint }

export class CmdExecModel {
  readonly tcbs = new Map<number, TcbFields>();
  readonly neighbours = new Map<number, bigint>();
  /** Blocks on each queue (key conn*2+dir): what the skb manager holds, for CONN_DELETE's drain. */
  readonly queues = new Map<number, number[]>();
  readonly logs = emptyLogs();
  readonly counters: Partial<Record<CounterName, number>> = {};
  /** SEG events queued per connection (rx_dispatch's count), for RX_MODE = FAST. */
  segsQueued = new Map<number, number>();
  /** Bytes the host consumed per connection (rx_read), not yet served by a window job. */
  readonly consumed = new Map<number, number>();
  /** A window job's bytes, taken (WND_TAKE) and not yet served (its TCB READ). */
  private taken: { conn: number; bytes: number } | undefined;
  constructor(readonly cfg: ModelCfg) {}

  /** host_glue's rx_read pulse: a conn out of range is counted; 0 bytes are nothing; the sum saturates at 2^32 - 1. */
  rxRead(conn: number, len: number): void {
    if (conn >= this.cfg.conns) return this.count('rx_read_bad_conn_count');
    if (len > 0) this.consumed.set(conn, Math.min((this.consumed.get(conn) ?? 0) + len, 0xffffffff));
  }

  /** A CONN_DELETE that conn_table carried out: the connection's consumed bytes are forgotten. */
  forgetConsumed(conn: number): void { this.consumed.delete(conn); }

  /** A window job takes a connection's consumed bytes (they stop accumulating). */
  takeWindow(conn: number): void {
    const bytes = this.consumed.get(conn);
    if (bytes === undefined) throw new Error(`window job for connection ${conn}, which has no consumed bytes`);
    if (this.taken) throw new Error('two window jobs at once');
    this.consumed.delete(conn);
    this.taken = { conn, bytes };
  }

  /**
   * The window job, as of its TCB READ: the window (rcv_adv - rcv_nxt) grows by the consumed bytes (plus those
   * deferred before) up to min(rcvbuf, 2^30), never shrinking; the edge moves right by the growth only when that is
   * at least min(rcvbuf / 2, rcv_mss), else the bytes are kept in rcv_defer (receiver SWS avoidance); WND_OPEN by
   * Toe.maybeWindowOpen's rule (the edge moved and the window at least doubled; not in RAW mode).
   */
  serveWindow(conn: number): void {
    if (this.taken?.conn !== conn) throw new Error(`window job READ for connection ${conn} without its take`);
    const { bytes } = this.taken;
    this.taken = undefined;
    const t = this.tcbs.get(conn);
    if (!t) return this.count('wnd_no_conn_count');
    const old = rcvWindow(t);
    // Receiver SWS avoidance: the bytes wait in rcv_defer until the window can grow by the threshold at once.
    const total = bytes + t.rcv_defer;
    const wnd = this.newWindow(old, total, t.rcvbuf);
    if (wnd - old >= this.swsThreshold(t)) {
      if (t.rx_mode !== 2 && this.opens(old, wnd)) this.logs.wndOpen.push({ conn, rcv_wnd: wnd });
      if (wnd !== old) t.rcv_adv = u32(t.rcv_nxt + wnd);
      t.rcv_defer = 0;
    } else t.rcv_defer = Math.min(total, 0xffff);
  }

  /** A fast-path segment (toe_rx's update port) moved RCV.NXT of `conn` by `len`: only RCV.NXT is written. */
  fastPath(conn: number, len: number): void {
    const t = this.tcbs.get(conn);
    if (t) t.rcv_nxt = u32(t.rcv_nxt + len);
  }

  /** Nothing taken and not served. */
  get idle(): boolean { return this.taken === undefined; }

  /** Toe.maybeWindowOpen's other test: the window at least doubled. */
  protected opens(old: number, wnd: number): boolean { return wnd >= 2 * old; }

  /** The least growth the edge moves by (Toe.advertise / maybeWindowOpen): min(rcvbuf / 2, rcv_mss). */
  protected swsThreshold(t: TcbFields): number { return Math.min(t.rcvbuf >>> 1, t.rcv_mss); }

  protected newWindow(old: number, bytes: number, rcvbuf: number): number {
    const limit = Math.min(rcvbuf, 2 ** 30);
    return old >= limit ? old : Math.min(old + bytes, limit);
  }

  private txr(kind: number, conn: number, t: TcbFields, f: { seq: number; ack?: number; len?: number; flags: number }): Txr {
    return {
      kind, conn, seq: f.seq, ack: f.ack ?? 0, len: f.len ?? 0, flags: f.flags, upto: 0, remote_mac: t.remote_mac, local_ip: t.local_ip,
      remote_ip: t.remote_ip, remote_port: t.remote_port, snd_nxt: t.snd_nxt, rcv_wnd: rcvWindow(t),
    };
  }

  private count(c: CounterName) { this.counters[c] = (this.counters[c] ?? 0) + 1; }
  private write(conn: number, f: Partial<TcbFields>) { Object.assign(this.tcbs.get(conn)!, f); }

  /** A tcp_timers expiry of kind `kind`: DELACK and KEEPALIVE are not the firmware's (dropped, counted). */
  timerEvent(kind: number): void { if (![0, 2, 3].includes(kind)) this.count('timer_dropped_count'); }

  /** A command entry: a known record, or raw bits (an unknown kind code). */
  exec(c: FwCommand | bigint, from: 'rx' | 'tx'): void {
    this.count('commands_count');
    if (typeof c === 'bigint') return this.count('bad_kind_count');
    const L = this.logs;
    const hasConn = 'conn' in c && c.kind !== 'COPY_IN' && c.kind !== 'MAIL' && c.kind !== 'HOST_NOTE';
    if (hasConn && (c as { conn: number }).conn >= this.cfg.conns) return this.count('bad_conn_count');
    const t = 'conn' in c ? this.tcbs.get((c as { conn: number }).conn) : undefined;
    switch (c.kind) {
      case 'CONN_INSERT': {
        let mac = this.neighbours.get(c.remote_ip);
        if (mac === undefined) { this.count('unknown_neighbour_count'); mac = this.cfg.broadcast; }
        const dup = [...this.tcbs.values()].some((x) => x.remote_ip === c.remote_ip && x.remote_port === c.remote_port && x.local_port === c.local_port);
        if (t || dup) return this.count('insert_refused_count');
        const tcb = freshTcb({ local_ip: this.cfg.localIp, remote_ip: c.remote_ip, local_port: c.local_port, remote_port: c.remote_port });
        this.tcbs.set(c.conn, { ...tcb, ...INSERT_DEFAULTS, remote_mac: Number(mac) });
        return;
      }
      case 'CONN_DELETE': {
        if (!t) return;
        this.tcbs.delete(c.conn);
        L.timer.push({ op: 2, conn: c.conn, kind: 0, timeout: 0 });
        L.sack.push({ conn: c.conn, count: 0, left0: 0 });
        L.sqDelete.push(c.conn);
        for (const dir of [0, 1]) {
          const q = this.queues.get(c.conn * 2 + dir) ?? [];
          for (const id of q) { L.q.push({ op: 1, conn: c.conn, dir, id: -1 }); L.free.push(id); }
          L.q.push({ op: 1, conn: c.conn, dir, id: -1 });
          this.queues.delete(c.conn * 2 + dir);
        }
        return;
      }
      case 'TCB_WRITE': {
        const limits: Record<number, number> = { 7: 15, 9: 0xffff, 13: 2, 15: 0xffff, 16: 2 };
        if (c.field > 16 || (limits[c.field] !== undefined && c.value > limits[c.field]!)) return this.count('bad_field_count');
        if (!t) return this.count('no_conn_count');
        const v = c.value;
        switch (c.field) {
          case TcbField.RCV_NXT: {
            // The advertised edge stays (RAW, or RCV.NXT past it: the window closes at the new RCV.NXT).
            const adv = t.rx_mode === 2 || seqGt(v, t.rcv_adv) ? v : t.rcv_adv;
            return this.write(c.conn, { rcv_nxt: v, rcv_adv: adv });
          }
          case TcbField.SQ_BASE: L.sqBase.push({ conn: c.conn, value: v }); return;
          case TcbField.RX_MODE:
            if (v === 0 && (this.segsQueued.get(c.conn) ?? 0) > 0) return this.count('fast_refused_count');
            if (t.rx_mode === 2 && v !== 2) {
              // Leaving RAW (synchronised): the window opens to the receive buffer (the edge never moves left).
              const open = (t.rcv_nxt + Math.min(t.rcvbuf, 2 ** 30)) >>> 0;
              return this.write(c.conn, { rx_mode: v, rcv_adv: seqGt(open, t.rcv_adv) ? open : t.rcv_adv });
            }
            return this.write(c.conn, { rx_mode: v });
          default: {
            const name = ({ 1: 'snd_una', 2: 'snd_nxt', 3: 'snd_wnd', 4: 'snd_wl1', 5: 'snd_wl2', 6: 'max_snd_wnd', 7: 'snd_wscale',
              8: 'rcv_wscale', 9: 'rcv_mss', 10: 'ts_ok', 11: 'ts_recent', 14: 'rcvbuf', 15: 'mss', 16: 'sack_mode' } as Record<number, keyof TcbFields>)[c.field]!;
            const val = c.field === TcbField.RCV_WSCALE ? Math.min(v, 14) : c.field === TcbField.TS_ENABLED ? (v ? 1 : 0) : v;
            return this.write(c.conn, { [name]: val });
          }
        }
      }
      case 'TX_SEG': {
        if (!t) return this.count('no_conn_count');
        const end = u32(c.seq + c.len + (c.flags & 1));
        if (seqGt(end, t.snd_nxt)) t.snd_nxt = end;
        L.txr.push(this.txr(0, c.conn, t, { seq: c.seq, len: c.len, flags: c.flags }));
        return;
      }
      case 'TX_SYN': {
        if (!t) return this.count('no_conn_count');
        const end = u32(c.seq + 1);
        const old = { ...t };
        if (seqGt(end, old.snd_nxt)) t.snd_nxt = end;
        if (c.flags & 0x10) { const edge = u32(c.ack + Math.min(old.rcvbuf, 2 ** 30)); t.rcv_adv = seqGt(edge, old.rcv_nxt) ? edge : old.rcv_nxt; }
        L.txr.push(this.txr(1, c.conn, t, { seq: c.seq, ack: c.ack, flags: c.flags }));
        return;
      }
      case 'TX_ACK': {
        if (c.mode > 2) return this.count('bad_field_count');
        if (!t) return this.count('no_conn_count');
        const dsack = c.mode === 0 && c.dsack_left !== c.dsack_right && t.sack_mode !== 0;
        L.ack.push({
          conn: c.conn, event: [7, 0, 4][c.mode]!, seg_len: c.mode === 1 ? t.rcv_mss : 0, sack_count: dsack ? 1 : 0,
          left0: dsack ? c.dsack_left : 0, right0: dsack ? c.dsack_right : 0,
        });
        return;
      }
      case 'TX_RST': {
        if (!this.neighbours.has(c.remote_ip)) return this.count('unknown_neighbour_count');
        L.txr.push({
          kind: 2, conn: 0, seq: c.seq, ack: c.ack, len: 0, flags: c.flags, upto: 0, remote_mac: Number(this.neighbours.get(c.remote_ip)!),
          local_ip: this.cfg.localIp, remote_ip: c.remote_ip, remote_port: c.remote_port, snd_nxt: -1, rcv_wnd: -1,
        });
        return;
      }
      case 'TIMER_SET':
        if (c.timer > 2 || c.delay_us >= 2 ** this.cfg.timeoutBits) return this.count('bad_field_count');
        if (!t) return this.count('no_conn_count');
        L.timer.push({ op: 0, conn: c.conn, kind: TIMER_KIND_OF_ID[c.timer as 0 | 1 | 2], timeout: c.delay_us });
        return;
      case 'TIMER_CANCEL':
        if (c.timer > 2) return this.count('bad_field_count');
        L.timer.push({ op: 1, conn: c.conn, kind: TIMER_KIND_OF_ID[c.timer as 0 | 1 | 2], timeout: 0 });
        return;
      case 'SKB_FREE':
        if (c.skb >= this.cfg.blocks) return this.count('bad_field_count');
        L.free.push(c.skb);
        return;
      case 'SQ_RELEASE':
        L.txr.push({ kind: 3, conn: c.conn, seq: 0, ack: 0, len: 0, flags: 0, upto: c.upto, remote_mac: -1, local_ip: -1, remote_ip: -1, remote_port: -1, snd_nxt: -1, rcv_wnd: -1 });
        return;
      case 'DELIVER': {
        const has = c.skb !== NO_SKB;
        if (has && c.skb >= this.cfg.blocks) return this.count('bad_field_count');
        if (!t) { this.count('no_conn_count'); if (has) L.free.push(c.skb); return; }
        const rn = t.rcv_nxt, end = u32(c.seq + c.len);
        if (seqGt(c.seq, rn)) { this.count('deliver_refused_count'); if (has) L.free.push(c.skb); return; }
        let nxt = rn;
        if (has) {
          if (seqGt(end, rn)) {
            const off = u32(rn - c.seq);
            L.meta.push({ id: c.skb, len: c.len - off, seq: rn, csum: off });
            L.q.push({ op: 0, conn: c.conn, dir: 1, id: c.skb });
            const key = c.conn * 2 + 1;
            this.queues.set(key, [...(this.queues.get(key) ?? []), c.skb]);
            nxt = end;
          } else L.free.push(c.skb);
        }
        if (c.fin && nxt === end) { nxt = u32(end + 1); L.eof.push(c.conn); }
        if (nxt !== rn) this.write(c.conn, { rcv_nxt: nxt, rcv_adv: seqGt(nxt, t.rcv_adv) ? nxt : t.rcv_adv });
        return;
      }
      case 'COPY_IN': L.hreq.push(13); return;
      case 'HOST_NOTE': L.hreq.push(14); return;
      case 'MAIL': L.mail.push({ to: from === 'rx' ? 'tx' : 'rx', conn: c.conn, msg: c.msg, arg: c.arg }); return;
      case 'SACK_SET':
        if (c.count > 4) return this.count('bad_field_count');
        if (!t) return this.count('no_conn_count');
        L.sack.push({ conn: c.conn, count: c.count, left0: c.left0 });
        return;
    }
  }
}

/** The TCB fields a masked conn_table WRITE changes (for the testbench's conn_table). */
export const writeFields = (mask: number): WritableField[] => maskedFields(mask);
export { fieldMask };
