// The fast-path TCB writes that follow a verdict and its route (what the firmware would otherwise do for every
// segment), as sim/toe_model/toe.ts rxSegment does them: the ACK field (SND.UNA, the send window) and TS.Recent
// for every connection not in RAW mode, RCV.NXT only for data the hardware delivers itself, and
// RX_MODE = FIRMWARE when a FAST connection's segment goes to the RX core.
import { UInt, lit, mux, type Sig } from '../../dsl/index.ts';
import { SeqVerdict } from '../seq_check/interface.ts';
import { seqLeq } from '../seq_check/seq-arith.ts';
import { WRITABLE_FIELDS, type WritableField } from '../conn_table/tcb.ts';
import { RxMode } from '../../firmware/api.ts';
import { Route } from './route.ts';

/** The TCB fields read at lookup that the writes depend on (rcv_wnd: RCV.WND, from the TCB's rcv_adv - rcv_nxt). */
export interface HeldTcb {
  rcv_nxt: Sig; rcv_wnd: Sig; snd_una: Sig; snd_wnd: Sig; max_snd_wnd: Sig; rx_mode: Sig; ts_ok: Sig; ts_recent: Sig;
}
/** The verdict fields (seq_check's out), the route, and the segment's SEG.SEQ / SEG.ACK / timestamp option. */
export interface VerdictSigs {
  verdict: Sig; accept_len: Sig; ack_advance: Sig; wnd_update: Sig; seg_wnd: Sig; seq: Sig; ack: Sig;
  route: Sig; ts_present: Sig; ts_val: Sig;
}

const bitOf = (f: WritableField) => 1 << WRITABLE_FIELDS.indexOf(f);

/**
 * The update port's mask and fields. Only RCV.NXT moves for received data: the TCB keeps the advertised right
 * edge (rcv_adv), which the hardware never writes, so RCV.WND shrinks by the bytes RCV.NXT moves over by itself and
 * cmd_exec's edge moves (as the host consumes data) cannot be undone by a write computed from an older copy.
 * RAW connections (the firmware's own handshake) get no write at all.
 */
export function tcbUpdate(tcb: HeldTcb, v: VerdictSigs) {
  const checked = tcb.rx_mode.lt(RxMode.RAW);
  const advance = v.accept_len.zext(32);
  const moveRcv = v.route.eq(Route.FAST_DATA);
  const moveUna = checked.land(v.ack_advance);
  const moveWnd = checked.land(v.wnd_update);
  const moveMax = moveWnd.land(v.seg_wnd.gt(tcb.max_snd_wnd));
  const accepted = v.verdict.eq(SeqVerdict.IN_ORDER).lor(v.verdict.eq(SeqVerdict.OUT_OF_ORDER));
  // RFC 7323 §4.3, as the model: TS.Recent from an accepted segment that starts at or below RCV.NXT.
  const moveTs = checked.land(tcb.ts_ok.bit(0)).land(v.ts_present).land(accepted).land(seqLeq(v.seq, tcb.rcv_nxt));
  const leaveFast = v.route.eq(Route.FW_SEG).land(tcb.rx_mode.eq(RxMode.FAST));
  const M = (f: WritableField, on: Sig) => mux(on, lit(bitOf(f), UInt(WRITABLE_FIELDS.length)), lit(0, UInt(WRITABLE_FIELDS.length)));
  const mask = M('rcv_nxt', moveRcv).or(M('snd_una', moveUna))
    .or(M('snd_wnd', moveWnd)).or(M('snd_wl1', moveWnd)).or(M('snd_wl2', moveWnd)).or(M('max_snd_wnd', moveMax))
    .or(M('ts_recent', moveTs)).or(M('rx_mode', leaveFast));
  const rcvNxt = tcb.rcv_nxt.add(advance);
  // RCV.WND after the segment, for the record (ack_gen advertises it): the edge minus the new RCV.NXT, floored at 0.
  const rcvWnd = mux(tcb.rcv_wnd.gt(advance), tcb.rcv_wnd.sub(advance), lit(0, UInt(32)));
  return {
    mask, needed: mask.ne(0) as Sig, moveRcv, moveUna,
    fields: {
      rcv_nxt: rcvNxt, snd_una: v.ack, snd_wnd: v.seg_wnd, snd_wl1: v.seq, snd_wl2: v.ack, max_snd_wnd: v.seg_wnd,
      ts_recent: v.ts_val, rx_mode: lit(RxMode.FIRMWARE, UInt(2)),
    },
    /** The fields after the segment. */
    rcvNxtAfter: mux(moveRcv, rcvNxt, tcb.rcv_nxt),
    rcvWndAfter: mux(moveRcv, rcvWnd, tcb.rcv_wnd),
    sndUnaAfter: mux(moveUna, v.ack, tcb.snd_una),
    sndWndAfter: mux(moveWnd, v.seg_wnd, tcb.snd_wnd),
    tsRecentAfter: mux(moveTs, v.ts_val, tcb.ts_recent),
    wndChanged: moveWnd.land(v.seg_wnd.ne(tcb.snd_wnd)) as Sig,
  };
}
