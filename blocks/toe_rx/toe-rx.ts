// The TOE's receive control path: rx_front (checksums, parser) -> conn_table lookup by 4-tuple -> seq_check
// against the connection's TCB -> fast-path TCB writes through conn_table's update port, and one segment record
// per TCP metadata record for the firmware.
import { defineModule, input, output, Bool, Stream, UInt, lit, mux, when, type Sig, type Wire } from '../../dsl/index.ts';
import { RxFront } from '../rx_front/rx-front.ts';
import { RX_REASON_BITS, RxReason } from '../rx_parser/reasons.ts';
import { metaFields } from '../rx_parser/meta.ts';
import { ConnTable } from '../conn_table/conn-table.ts';
import { CmdIn, RespOut, Stats } from '../conn_table/interface.ts';
import { geometry, INDEX_PORT_BITS } from '../conn_table/params.ts';
import { Tcb, KEY_FIELDS } from '../conn_table/tcb.ts';
import { SeqCheck } from '../seq_check/seq-check.ts';
import { recordBundle } from './record.ts';
import { tcbUpdate } from './tcb-update.ts';
import { Route, ROUTE_BITS, routeOf } from './route.ts';

export interface ToeRxParams {
  /** MAC bus width in bits (rx_front's). */
  width: number;
  /** SACK blocks the parser reports. */
  sackBlocks: number;
  /** Bits of the parser's per-reason counters. */
  counterBits: number;
  /** conn_table: connections, ways per bucket, stash entries, hash seed. */
  conns: number;
  ways: number;
  stash: number;
  seed: number;
  /** skb block bytes: accepted bytes beyond one block are not taken (Route.TOO_LONG). */
  blockBytes: number;
  /** conn_table's INSERT takes the command's index (the firmware chooses it, as in the TOE) instead of allocating one. */
  indexFromCmd?: boolean;
}

export const toeRxDefaults: ToeRxParams = { width: 64, sackBlocks: 1, counterBits: 32, conns: 64, ways: 4, stash: 4, seed: 1, blockBytes: 2048 };

type Ports = Record<string, Wire | Sig>;

/** Drives every field of `sink` named in `names` from `source`. */
function drive(sink: Ports, source: Ports, names: readonly string[]) {
  for (const n of names) (sink[n] as Wire).set(source[n] as Sig);
}

/** The control sequence: one segment in flight from lookup to record (see README, "Hazard"). */
const Phase = { IDLE: 0, LOOKUP: 1, CHECK: 2, EMIT: 3 } as const;

/**
 * Ports:
 * - rx: frames from the MAC (rx_front's). payload, slow: rx_front's, passed through.
 * - seg: one record per metadata record (record.ts), in frame order.
 * - cmd / resp: conn_table's firmware port (insert, delete, read, masked write).
 * - stats_sel / stats_count, csum_*: rx_front's counters; conn_stats: conn_table's.
 */
export const ToeRx = defineModule('toe_rx', (m, p: ToeRxParams) => {
  const W = p.width;
  const g = geometry(p);
  const io = m.io({
    rx: input(Stream(W, { user: 1 })),
    payload: output(Stream(W)),
    slow: output(Stream(W, { user: 1 + RX_REASON_BITS })),
    seg: output(recordBundle(p.sackBlocks)),
    /** rx_dispatch holds a free skb block for the next segment (the fast path's RCV.NXT write depends on it). */
    buf_ready: input(Bool),
    cmd: input(CmdIn()),
    resp: output(RespOut()),
    stats_sel: input(UInt(RX_REASON_BITS)),
    stats_count: output(UInt(p.counterBits)),
    csum_frames: output(UInt(32)),
    csum_ipv4_bad: output(UInt(32)),
    csum_tcp_bad: output(UInt(32)),
    conn_stats: output(Stats(g.countBits, Math.max(1, Math.ceil(Math.log2(g.stash + 1))))),
  });
  const front = m.instance(RxFront, { width: W, sackBlocks: p.sackBlocks, counterBits: p.counterBits }, { name: 'front' });
  const table = m.instance(ConnTable, { conns: p.conns, ways: p.ways, stash: p.stash, seed: p.seed, ...(p.indexFromCmd ? { indexFromCmd: true } : {}) }, { name: 'table' });
  const check = m.instance(SeqCheck, { tagBits: 1 }, { name: 'check' });

  // ---- Pass-through: frames in, payload and slow path out, counters, the firmware port.
  const streamKeys = ['tdata', 'tkeep', 'tlast', 'tuser', 'tvalid'];
  const frontRx = front.rx as unknown as Ports, rx = io.rx as unknown as Ports;
  drive(frontRx, rx, streamKeys.filter((k) => rx[k]));
  (rx.tready as Wire).set(frontRx.tready as Sig);
  for (const name of ['payload', 'slow'] as const) {
    const out = io[name] as unknown as Ports, src = front[name] as unknown as Ports;
    drive(out, src, streamKeys.filter((k) => out[k]));
    (src.tready as Wire).set(out.tready as Sig);
  }
  (front.stats_sel as unknown as Wire).set(io.stats_sel);
  io.stats_count.set(front.stats_count as unknown as Sig);
  for (const c of ['csum_frames', 'csum_ipv4_bad', 'csum_tcp_bad'] as const) io[c].set(front[c] as unknown as Sig);
  const tcbNames = Tcb.fields.map((f) => f.name);
  const cmd = io.cmd as unknown as Ports, tCmd = table.cmd as unknown as Ports;
  drive(tCmd, cmd, ['valid', 'op', 'index', 'mask', ...tcbNames]);
  (cmd.ready as Wire).set(tCmd.ready as Sig);
  const resp = io.resp as unknown as Ports, tResp = table.resp as unknown as Ports;
  drive(resp, tResp, ['valid', 'op', 'status', 'index', ...tcbNames]);
  (tResp.ready as Wire).set(resp.ready as Sig);
  const stats = io.conn_stats as unknown as Ports, tStats = table.stats as unknown as Ports;
  drive(stats, tStats, Object.keys(tStats));

  // ---- Control: IDLE (offer the lookup) -> LOOKUP (result into seq_check) -> CHECK (verdict, TCB write)
  // -> EMIT (record out, metadata consumed). The metadata record and the verdict are held by their producers
  // (ready low) until EMIT, so the record needs no copy of them.
  const meta = front.meta as unknown as Ports;
  const lookup = table.lookup as unknown as Ports, found = table.out as unknown as Ports, upd = table.upd as unknown as Ports;
  const segIn = check.in as unknown as Ports, verdict = check.out as unknown as Ports;
  const seg = io.seg as unknown as Ports;

  const phase = m.reg(UInt(2), { reset: Phase.IDLE, name: 'phase' });
  const at = (ph: number) => phase.eq(ph);
  const hit = m.reg(Bool, { reset: false, name: 'hit' });
  const noConn = m.reg(Bool, { reset: false, name: 'no_conn' });
  const index = m.reg(UInt(INDEX_PORT_BITS), { reset: 0, name: 'conn_index' });
  const held = {
    state: m.reg(UInt(4), { reset: 0, name: 'tcb_state' }),
    rcv_nxt: m.reg(UInt(32), { reset: 0, name: 'tcb_rcv_nxt' }),
    rcv_wnd: m.reg(UInt(32), { reset: 0, name: 'tcb_rcv_wnd' }), // RCV.WND at lookup (from rcv_adv, above)
    snd_una: m.reg(UInt(32), { reset: 0, name: 'tcb_snd_una' }),
    max_snd_wnd: m.reg(UInt(32), { reset: 0, name: 'tcb_max_snd_wnd' }),
    snd_wnd: m.reg(UInt(32), { reset: 0, name: 'tcb_snd_wnd' }),
    snd_nxt: m.reg(UInt(32), { reset: 0, name: 'tcb_snd_nxt' }),
    ts_recent: m.reg(UInt(32), { reset: 0, name: 'tcb_ts_recent' }),
    ts_ok: m.reg(UInt(1), { reset: 0, name: 'tcb_ts_ok' }),
    rx_mode: m.reg(UInt(2), { reset: 0, name: 'tcb_rx_mode' }),
    sack_mode: m.reg(UInt(2), { reset: 0, name: 'tcb_sack_mode' }),
    rcv_wscale: m.reg(UInt(4), { reset: 0, name: 'tcb_rcv_wscale' }),
    rcv_mss: m.reg(UInt(16), { reset: 0, name: 'tcb_rcv_mss' }),
    remote_mac: m.reg(UInt(48), { reset: 0, name: 'tcb_remote_mac' }),
  };
  const route = m.reg(UInt(ROUTE_BITS), { reset: 0, name: 'route' });

  const reasonOk = (meta.reason as Sig).eq(RxReason.OK);
  const metaValid = meta.valid as Sig;

  // The lookup key: the segment's source is the remote end.
  (lookup.valid as Wire).set(at(Phase.IDLE).land(metaValid).land(reasonOk));
  (lookup.local_ip as Wire).set(meta.ip_dst as Sig);
  (lookup.remote_ip as Wire).set(meta.ip_src as Sig);
  (lookup.local_port as Wire).set(meta.tcp_dst_port as Sig);
  (lookup.remote_port as Wire).set(meta.tcp_src_port as Sig);

  // The lookup result goes straight into seq_check with the TCB's fields (a miss is just taken).
  const foundHit = found.hit as Sig;
  (segIn.valid as Wire).set(at(Phase.LOOKUP).land(found.valid as Sig).land(foundHit));
  (found.ready as Wire).set(at(Phase.LOOKUP).land(mux(foundHit, segIn.ready as Sig, lit(true, Bool))));
  const foundTaken = at(Phase.LOOKUP).land(found.valid as Sig).land(found.ready as Sig);
  (segIn.tag as Wire).set(lit(0, UInt(1)));
  (segIn.seq as Wire).set(meta.tcp_seq as Sig);
  (segIn.ack as Wire).set(meta.tcp_ack as Sig);
  (segIn.len as Wire).set(meta.payload_len as Sig);
  (segIn.wnd as Wire).set(meta.tcp_window as Sig);
  const flags = meta.tcp_flags as Sig; // NS CWR ECE URG ACK PSH RST SYN FIN
  const ctl = segIn.ctl as unknown as Ports;
  (ctl.fin as Wire).set(flags.bit(0));
  (ctl.syn as Wire).set(flags.bit(1));
  (ctl.rst as Wire).set(flags.bit(2));
  (ctl.ack as Wire).set(flags.bit(4));
  // RCV.WND from the advertised right edge (conn_table keeps RCV.NXT + RCV.WND): the edge minus RCV.NXT, zero when
  // the edge is not ahead (the difference's sign bit; windows stay below 2^31), rounded down to the window-scale unit
  // as every ACK announces it (tcb.ts announcedWindow): segments are judged against the edge the peer was told.
  const edgeAhead = (found.rcv_adv as Sig).sub(found.rcv_nxt as Sig);
  const unitMask = lit(0xffffffff, UInt(32)).shl(found.rcv_wscale as Sig);
  const foundWnd = mux(edgeAhead.bit(31), lit(0, UInt(32)), edgeAhead.and(unitMask)).named('found_rcv_wnd');
  (segIn.rcv_wnd as Wire).set(foundWnd);
  drive(segIn, found, ['rcv_nxt', 'snd_una', 'snd_nxt', 'snd_wnd', 'snd_wscale', 'snd_wl1', 'snd_wl2', 'max_snd_wnd']);

  // The verdict's TCB writes.
  const v = verdict as unknown as Record<string, Sig>;
  const routeNow = routeOf({
    rxMode: held.rx_mode, flags, verdict: v.verdict!, trimFront: v.trim_front!, acceptLen: v.accept_len!, bufReady: io.buf_ready,
  }, p.blockBytes);
  const u = tcbUpdate(held, {
    ...v, seq: meta.tcp_seq as Sig, ack: meta.tcp_ack as Sig, route: mux(at(Phase.CHECK), routeNow, route), ts_present: meta.ts_present as Sig, ts_val: meta.ts_val as Sig,
  } as never);
  const verdictValid = verdict.valid as Sig;
  (upd.valid as Wire).set(at(Phase.CHECK).land(verdictValid).land(u.needed));
  (upd.index as Wire).set(index);
  (upd.mask as Wire).set(u.mask);
  for (const f of tcbNames) {
    if ((KEY_FIELDS as readonly string[]).includes(f)) continue;
    const value = (u.fields as Record<string, Sig>)[f];
    (upd[f] as Wire).set(value ?? lit(0, UInt((upd[f] as Sig).width)));
  }
  const checked = at(Phase.CHECK).land(verdictValid).land(u.needed.lnot().lor(upd.ready as Sig));

  // The record: the held metadata, the lookup outcome, the held verdict.
  const segReady = seg.ready as Sig;
  (seg.valid as Wire).set(at(Phase.EMIT));
  (meta.ready as Wire).set(at(Phase.EMIT).land(segReady));
  (verdict.ready as Wire).set(at(Phase.EMIT).land(segReady).land(hit));
  for (const [name] of metaFields(p.sackBlocks)) (seg[name] as Wire).set(meta[name] as Sig);
  const ifHit = (x: Sig) => mux(hit, x, lit(0, UInt(x.width)));
  (seg.hit as Wire).set(hit);
  (seg.no_conn as Wire).set(noConn);
  (seg.index as Wire).set(ifHit(index));
  (seg.state as Wire).set(ifHit(held.state));
  for (const f of ['verdict', 'trim_front', 'accept_len', 'first_seq', 'fin', 'seq_ok', 'ack_ok', 'ack_advance', 'dup_ack',
    'ack_unsent', 'ack_too_old', 'wnd_update', 'seg_wnd']) (seg[f] as Wire).set(ifHit(v[f]!));
  (seg.updated as Wire).set(hit.land(u.needed));
  (seg.rcv_nxt as Wire).set(ifHit(u.rcvNxtAfter));
  (seg.snd_una as Wire).set(ifHit(u.sndUnaAfter));
  // The route is registered where the TCB write is decided (buf_ready may rise before the record leaves).
  (seg.route as Wire).set(route);
  (seg.wnd_changed as Wire).set(ifHit(u.wndChanged));
  (seg.snd_wnd as Wire).set(ifHit(u.sndWndAfter));
  (seg.rcv_wnd as Wire).set(ifHit(u.rcvWndAfter));
  (seg.ts_recent as Wire).set(ifHit(u.tsRecentAfter));
  for (const f of ['snd_nxt', 'rx_mode', 'sack_mode', 'rcv_wscale', 'ts_ok', 'rcv_mss', 'remote_mac'] as const) (seg[f] as Wire).set(ifHit(held[f]));

  // ---- Phase transitions
  when(at(Phase.IDLE).land(metaValid), () => {
    when(reasonOk, () => {
      when(lookup.ready as Sig, () => phase.set(Phase.LOOKUP));
    }).otherwise(() => {
      hit.set(false);
      noConn.set(false);
      route.set(Route.BAD);
      phase.set(Phase.EMIT);
    });
  });
  when(foundTaken, () => {
    hit.set(foundHit);
    noConn.set(foundHit.lnot());
    index.set(found.index as Sig);
    route.set(Route.NO_CONN);
    for (const [k, r] of Object.entries(held)) r.set(k === 'rcv_wnd' ? foundWnd : found[k] as Sig);
    phase.set(mux(foundHit, lit(Phase.CHECK, UInt(2)), lit(Phase.EMIT, UInt(2))));
  });
  when(checked, () => {
    route.set(routeNow);
    phase.set(Phase.EMIT);
  });
  when(at(Phase.EMIT).land(segReady), () => phase.set(Phase.IDLE));
  return io;
}, toeRxDefaults);
