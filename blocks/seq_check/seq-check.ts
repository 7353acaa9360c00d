// The receive path's sequence and window checker: RFC 9293 §3.10.7.4 (acceptability, RST, SYN and ACK
// checks for a synchronised connection) with RFC 5961's blind-attack defences and RFC 5681's duplicate ACK.
import { defineModule, input, output, Bool, UInt, Struct, when, mux, lit, type ModuleBuilder, type Sig, type Wire } from '../../dsl/index.ts';
import { SegmentIn, SeqVerdict, VerdictOut } from './interface.ts';
import { seqGt, seqLeq, seqLt } from './seq-arith.ts';

export interface SeqCheckParams {
  /** Bits of the pass-through tag. */
  tagBits: number;
}

/** A register with one field per entry of `fields`, each of that signal's type, named name_field. */
function registerOf<F extends Record<string, Sig>>(m: ModuleBuilder, name: string, fields: F): { [K in keyof F]: Wire } {
  const type = Struct(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.type])));
  return m.reg(type, { name }) as unknown as { [K in keyof F]: Wire };
}

/** RFC 7323 §2.3: a shift count above 14 is used as 14. */
const MAX_WSCALE = 14;

/**
 * Checks one received segment per cycle against its connection's state and gives a verdict (SeqVerdict),
 * the payload bytes to keep, and the ACK-processing flags. Two pipeline stages, in order: stage 1 registers
 * the sequence-space comparisons (at most three adders deep: SEG.SEQ + SEG.LEN - 1 against RCV.NXT + RCV.WND),
 * stage 2 (the output register) combines them in the RFC's order. Latency 2 cycles, one segment per cycle.
 * The stages stall together under backpressure (in_ready follows out_ready combinationally), so a verdict
 * waiting on out_ready holds still.
 *
 * It applies the rules of the synchronised states (ESTABLISHED to TIME-WAIT; SYN-RECEIVED's ACK handling
 * differs and stays with the firmware). RCV.WND and MAX.SND.WND must stay below 2^31 (RFC 7323 caps
 * windows at 2^30), so every comparison spans less than half the sequence space.
 */
export const SeqCheck = defineModule('seq_check', (m, p: SeqCheckParams) => {
  const io = m.io({ in: input(SegmentIn(p.tagBits)), out: output(VerdictOut(p.tagBits)) });
  const seg = io.in;
  const { syn, fin, rst } = seg.ctl;

  // ---- Stage 1 inputs: the comparisons, straight from the segment and the connection state.

  // SEG.LEN counts SYN and FIN as one each (RFC 9293 §3.4).
  const segLen = seg.len.zext(32).add(syn.zext(32)).add(fin.zext(32));
  const rcvEdge = seg.rcv_nxt.add(seg.rcv_wnd); // the first sequence number beyond the window
  const segEnd = seg.seq.add(segLen); // one past the segment's last sequence number
  const segLast = segEnd.sub(1);
  // Payload occupies [SEG.SEQ, payloadEnd). A SYN never delivers data here (it gets a challenge ACK).
  const payloadEnd = seg.seq.add(seg.len.zext(32));

  const zeroLen = segLen.eq(0);
  const zeroWnd = seg.rcv_wnd.eq(0);
  const seqAtNxt = seg.seq.eq(seg.rcv_nxt);
  const seqInWindow = seqLeq(seg.rcv_nxt, seg.seq).land(seqLt(seg.seq, rcvEdge));
  const lastInWindow = seqLeq(seg.rcv_nxt, segLast).land(seqLt(segLast, rcvEdge));
  // The four cases of the acceptability test.
  const acceptable = mux(zeroLen,
    mux(zeroWnd, seqAtNxt, seqInWindow),
    mux(zeroWnd, false, seqInWindow.lor(lastInWindow)));
  const startsOld = seqLt(seg.seq, seg.rcv_nxt).named('startsOld');
  // Nothing at or after RCV.NXT: the last sequence number (or, for SEG.LEN = 0, SEG.SEQ) is already received.
  const entirelyOld = mux(zeroLen, startsOld, seqLt(segLast, seg.rcv_nxt));
  // "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be made to accept
  // valid ACKs": a segment that would be in order (it covers RCV.NXT) still has its ACK field processed.
  const zeroWndAllowance = zeroWnd.land(zeroLen.lnot()).land(seqLeq(seg.seq, seg.rcv_nxt)).land(seqLeq(seg.rcv_nxt, segLast));

  const alreadyReceived = seg.rcv_nxt.sub(seg.seq); // payload bytes before RCV.NXT, when startsOld
  const trimFront = mux(startsOld, alreadyReceived.trunc(16), lit(0, UInt(16)));
  const beyondWindow = payloadEnd.sub(rcvEdge); // payload bytes past the window's right edge, when positive
  const trimBack = mux(seqGt(payloadEnd, rcvEdge), beyondWindow.trunc(16), lit(0, UInt(16)));
  const finInWindow = fin.land(seqLt(payloadEnd, rcvEdge));
  const firstSeq = mux(startsOld, seg.rcv_nxt, seg.seq);

  const ackFloor = seg.snd_una.sub(seg.max_snd_wnd);
  const shift = mux(seg.snd_wscale.gt(MAX_WSCALE), lit(MAX_WSCALE, UInt(4)), seg.snd_wscale);
  const segWnd = seg.wnd.zext(32).shl(shift);

  const stage1 = {
    tag: seg.tag, len: seg.len, syn, ackFlag: seg.ctl.ack, fin, rst,
    acceptable, entirelyOld, zeroWndAllowance, seqAtNxt, seqInWindow, startsOld,
    trimFront, trimBack, finInWindow, firstSeq, segWnd,
    ackAboveUna: seqLt(seg.snd_una, seg.ack),
    ackNotBelowUna: seqLeq(seg.snd_una, seg.ack),
    ackIsUna: seg.ack.eq(seg.snd_una),
    ackBeyondNxt: seqGt(seg.ack, seg.snd_nxt),
    ackBelowFloor: seqLt(seg.ack, ackFloor),
    outstanding: seg.snd_una.ne(seg.snd_nxt),
    wndSame: segWnd.eq(seg.snd_wnd),
    // RFC 9293: update the window if SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK).
    newerWndInfo: seqLt(seg.snd_wl1, seg.seq).lor(seg.snd_wl1.eq(seg.seq).land(seqLeq(seg.snd_wl2, seg.ack))),
  };
  const s1 = registerOf(m, 's1', stage1);
  const s1Valid = m.reg(Bool, { reset: false });

  // ---- Stage 2: the verdict, in the RFC's order of checks.

  const verdict = m.wire(UInt(3));
  const V = (code: number) => lit(code, UInt(3));
  when(s1.rst, () => {
    verdict.set(mux(s1.seqAtNxt, V(SeqVerdict.RESET), mux(s1.seqInWindow, V(SeqVerdict.CHALLENGE_ACK), V(SeqVerdict.DROP))));
  }).elseWhen(s1.syn, () => {
    verdict.set(V(SeqVerdict.CHALLENGE_ACK)); // irrespective of the sequence number (RFC 5961 §4.2)
  }).elseWhen(s1.acceptable.lnot(), () => {
    verdict.set(mux(s1.entirelyOld, V(SeqVerdict.DUPLICATE), V(SeqVerdict.SEND_ACK)));
  }).elseWhen(s1.ackFlag.lnot(), () => {
    verdict.set(V(SeqVerdict.DROP));
  }).elseWhen(s1.ackBeyondNxt.lor(s1.ackBelowFloor), () => {
    verdict.set(V(SeqVerdict.SEND_ACK));
  }).otherwise(() => {
    verdict.set(mux(s1.startsOld.lor(s1.seqAtNxt), V(SeqVerdict.IN_ORDER), V(SeqVerdict.OUT_OF_ORDER)));
  });
  const accepted = verdict.eq(SeqVerdict.IN_ORDER).lor(verdict.eq(SeqVerdict.OUT_OF_ORDER));
  const keep = (x: Sig) => mux(accepted, x, lit(0, UInt(x.width)));

  const ackProcessed = s1.acceptable.lor(s1.zeroWndAllowance).land(s1.rst.lnot()).land(s1.syn.lnot()).land(s1.ackFlag);
  const ackOk = ackProcessed.land(s1.ackBeyondNxt.lnot()).land(s1.ackBelowFloor.lnot());
  // RFC 5681 §2: outstanding data, no payload, no SYN/FIN, SEG.ACK = SND.UNA, window unchanged.
  const dupAck = ackOk.land(s1.ackIsUna).land(s1.len.eq(0)).land(s1.fin.lnot()).land(s1.outstanding).land(s1.wndSame);

  const result = m.reg(Struct({
    tag: UInt(p.tagBits), verdict: UInt(3), trim_front: UInt(16), accept_len: UInt(16), first_seq: UInt(32),
    fin: Bool, seq_ok: Bool, ack_ok: Bool, ack_advance: Bool, dup_ack: Bool, ack_unsent: Bool, ack_too_old: Bool,
    wnd_update: Bool, seg_wnd: UInt(32),
  }));
  const outValid = m.reg(Bool, { reset: false });

  // ---- Handshakes: each stage moves when the one after it is free.

  const outFree = outValid.lnot().lor(io.out.ready);
  const s1Free = s1Valid.lnot().lor(outFree);
  io.in.ready.set(s1Free);
  when(s1Free, () => {
    s1Valid.set(seg.valid);
    when(seg.valid, () => { for (const k of Object.keys(stage1) as (keyof typeof stage1)[]) s1[k].set(stage1[k]); });
  });
  when(outFree, () => {
    outValid.set(s1Valid);
    when(s1Valid, () => {
      result.tag.set(s1.tag);
      result.verdict.set(verdict);
      result.trim_front.set(keep(s1.trimFront));
      result.accept_len.set(keep(s1.len.sub(s1.trimFront).sub(s1.trimBack)));
      result.first_seq.set(keep(s1.firstSeq));
      result.fin.set(accepted.land(s1.finInWindow));
      result.seq_ok.set(s1.acceptable);
      result.ack_ok.set(ackOk);
      result.ack_advance.set(ackOk.land(s1.ackAboveUna));
      result.dup_ack.set(dupAck);
      result.ack_unsent.set(ackProcessed.land(s1.ackBeyondNxt));
      result.ack_too_old.set(ackProcessed.land(s1.ackBeyondNxt.lnot()).land(s1.ackBelowFloor));
      result.wnd_update.set(ackOk.land(s1.ackNotBelowUna).land(s1.newerWndInfo));
      result.seg_wnd.set(s1.segWnd);
    });
  });

  io.out.valid.set(outValid);
  for (const k of Object.keys(result) as (keyof typeof result)[]) io.out[k].set(result[k]);
  return io;
}, { tagBits: 16 } as SeqCheckParams);
