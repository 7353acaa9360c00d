// The fast-path TCB writes that follow a verdict (what the firmware would otherwise do for every segment):
// RCV.NXT and RCV.WND for in-order bytes, SND.UNA for a new ACK, the send window for a window update.
import { UInt, lit, mux, type Sig } from '../../dsl/index.ts';
import { SeqVerdict } from '../seq_check/interface.ts';
import { TcbState, WRITABLE_FIELDS, type WritableField } from '../conn_table/tcb.ts';

/** The TCB fields read at lookup that the writes depend on. */
export interface HeldTcb { state: Sig; rcv_nxt: Sig; rcv_wnd: Sig; snd_una: Sig; max_snd_wnd: Sig }
/** The verdict fields (seq_check's out) and the segment's SEG.SEQ / SEG.ACK. */
export interface VerdictSigs {
  verdict: Sig; accept_len: Sig; fin: Sig; ack_advance: Sig; wnd_update: Sig; seg_wnd: Sig; seq: Sig; ack: Sig;
}

const bitOf = (f: WritableField) => 1 << WRITABLE_FIELDS.indexOf(f);

/**
 * The update port's mask and fields. RCV.WND shrinks by the bytes RCV.NXT moves over (floored at zero), so the
 * window's right edge stays where the firmware last advertised it; the firmware moves it when it sends a window.
 * Only synchronised states (ESTABLISHED..TIME_WAIT) are written: before that the firmware owns the TCB.
 */
export function tcbUpdate(tcb: HeldTcb, v: VerdictSigs) {
  const synced = tcb.state.ge(TcbState.ESTABLISHED).land(tcb.state.le(TcbState.TIME_WAIT));
  const advance = v.accept_len.zext(32).add(v.fin.zext(32));
  const moveRcv = synced.land(v.verdict.eq(SeqVerdict.IN_ORDER)).land(advance.ne(0));
  const moveUna = synced.land(v.ack_advance);
  const moveWnd = synced.land(v.wnd_update);
  const moveMax = moveWnd.land(v.seg_wnd.gt(tcb.max_snd_wnd));
  const M = (f: WritableField, on: Sig) => mux(on, lit(bitOf(f), UInt(WRITABLE_FIELDS.length)), lit(0, UInt(WRITABLE_FIELDS.length)));
  const mask = M('rcv_nxt', moveRcv).or(M('rcv_wnd', moveRcv)).or(M('snd_una', moveUna))
    .or(M('snd_wnd', moveWnd)).or(M('snd_wl1', moveWnd)).or(M('snd_wl2', moveWnd)).or(M('max_snd_wnd', moveMax));
  const rcvNxt = tcb.rcv_nxt.add(advance);
  const rcvWnd = mux(tcb.rcv_wnd.gt(advance), tcb.rcv_wnd.sub(advance), lit(0, UInt(32)));
  return {
    mask, needed: mask.ne(0) as Sig, moveRcv, moveUna,
    fields: { rcv_nxt: rcvNxt, rcv_wnd: rcvWnd, snd_una: v.ack, snd_wnd: v.seg_wnd, snd_wl1: v.seq, snd_wl2: v.ack, max_snd_wnd: v.seg_wnd },
    /** RCV.NXT / SND.UNA after the segment. */
    rcvNxtAfter: mux(moveRcv, rcvNxt, tcb.rcv_nxt),
    sndUnaAfter: mux(moveUna, v.ack, tcb.snd_una),
  };
}
