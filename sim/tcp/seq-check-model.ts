// Reference model of the seq_check block, written from the RFC text (RFC 9293 §3.10.7.4 "SEGMENT ARRIVES,
// Otherwise", RFC 5961 §3.2, §4.2 and §5.2, RFC 5681 §2, RFC 7323 §2.3) for a connection in a synchronised
// state. Plain numbers (unsigned 32-bit), the packet library's sequence arithmetic; no code shared with the RTL.
import { seqAdd, seqDiff, seqGt, seqLeq, seqLt } from '../packet/index.ts';
import { SeqVerdict } from '../../blocks/seq_check/interface.ts';

/** One segment and its connection's state: field names are the block's in_* port names without the prefix. */
export interface SegCase {
  tag: number;
  seq: number; ack: number; len: number; wnd: number;
  ctl_syn: boolean; ctl_ack: boolean; ctl_fin: boolean; ctl_rst: boolean;
  rcv_nxt: number; rcv_wnd: number;
  snd_una: number; snd_nxt: number; snd_wnd: number; snd_wscale: number;
  snd_wl1: number; snd_wl2: number; max_snd_wnd: number;
}

/** The block's out_* ports without the prefix. */
export interface SegVerdict {
  tag: number;
  verdict: number;
  trim_front: number; accept_len: number; first_seq: number; fin: boolean;
  seq_ok: boolean;
  ack_ok: boolean; ack_advance: boolean; dup_ack: boolean; ack_unsent: boolean; ack_too_old: boolean;
  wnd_update: boolean; seg_wnd: number;
}

export const inputFields = ['tag', 'seq', 'ack', 'len', 'wnd', 'ctl_syn', 'ctl_ack', 'ctl_fin', 'ctl_rst', 'rcv_nxt', 'rcv_wnd',
  'snd_una', 'snd_nxt', 'snd_wnd', 'snd_wscale', 'snd_wl1', 'snd_wl2', 'max_snd_wnd'] as const satisfies readonly (keyof SegCase)[];
export const outputFields = ['tag', 'verdict', 'trim_front', 'accept_len', 'first_seq', 'fin', 'seq_ok', 'ack_ok', 'ack_advance',
  'dup_ack', 'ack_unsent', 'ack_too_old', 'wnd_update', 'seg_wnd'] as const satisfies readonly (keyof SegVerdict)[];

/** The segment's verdict and what the receiver does with its payload and ACK field. */
export function checkSegment(c: SegCase): SegVerdict {
  // RFC 7323 §2.3: the window field is shifted by the peer's scale, a shift above 14 used as 14.
  const segWnd = c.wnd * 2 ** Math.min(c.snd_wscale, 14);
  const out: SegVerdict = {
    tag: c.tag, verdict: SeqVerdict.DROP, trim_front: 0, accept_len: 0, first_seq: 0, fin: false, seq_ok: false,
    ack_ok: false, ack_advance: false, dup_ack: false, ack_unsent: false, ack_too_old: false, wnd_update: false, seg_wnd: segWnd,
  };

  // SEG.LEN includes SYN and FIN (§3.4); the window is [RCV.NXT, RCV.NXT+RCV.WND).
  const segLen = c.len + (c.ctl_syn ? 1 : 0) + (c.ctl_fin ? 1 : 0);
  const windowEnd = seqAdd(c.rcv_nxt, c.rcv_wnd);
  const inWindow = (x: number) => seqLeq(c.rcv_nxt, x) && seqLt(x, windowEnd);
  const lastSeq = seqAdd(c.seq, segLen - 1);

  // First, check sequence number: the four cases of the acceptability test.
  let acceptable: boolean;
  if (segLen === 0 && c.rcv_wnd === 0) acceptable = c.seq === c.rcv_nxt;
  else if (segLen === 0) acceptable = inWindow(c.seq);
  else if (c.rcv_wnd === 0) acceptable = false;
  else acceptable = inWindow(c.seq) || inWindow(lastSeq);
  out.seq_ok = acceptable;

  // RFC 5961 §3.2 (the RST check, which an unacceptable RST reaches too: it is never answered with a plain ACK).
  if (c.ctl_rst) {
    if (c.seq === c.rcv_nxt) out.verdict = SeqVerdict.RESET;
    else if (inWindow(c.seq)) out.verdict = SeqVerdict.CHALLENGE_ACK;
    else out.verdict = SeqVerdict.DROP;
    return out;
  }
  // RFC 5961 §4.2: a SYN in a synchronised state, irrespective of the sequence number: challenge ACK.
  if (c.ctl_syn) { out.verdict = SeqVerdict.CHALLENGE_ACK; return out; }

  // "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be made to accept
  // valid ACKs": here, a segment that would have been in order (it covers RCV.NXT) has its ACK processed.
  const zeroWindowProbe = c.rcv_wnd === 0 && segLen > 0 && seqLeq(c.seq, c.rcv_nxt) && seqLeq(c.rcv_nxt, lastSeq);

  if (!acceptable) {
    // "an acknowledgment should be sent in reply ... After sending the acknowledgment, drop the unacceptable
    // segment". DUPLICATE when nothing in it is new.
    const allOld = segLen === 0 ? seqLt(c.seq, c.rcv_nxt) : seqLt(lastSeq, c.rcv_nxt);
    out.verdict = allOld ? SeqVerdict.DUPLICATE : SeqVerdict.SEND_ACK;
    if (zeroWindowProbe) processAck(c, out, segWnd);
    return out;
  }

  // Fifth, check the ACK field: "if the ACK bit is off, drop the segment and return".
  if (!c.ctl_ack) { out.verdict = SeqVerdict.DROP; return out; }
  processAck(c, out, segWnd);
  if (out.ack_unsent || out.ack_too_old) { out.verdict = SeqVerdict.SEND_ACK; return out; }

  // Seventh, process the segment text: only the part inside the window, starting at RCV.NXT at the earliest.
  const first = seqLt(c.seq, c.rcv_nxt) ? c.rcv_nxt : c.seq;
  const payloadEnd = seqAdd(c.seq, c.len);
  const end = seqLt(windowEnd, payloadEnd) ? windowEnd : payloadEnd;
  out.verdict = first === c.rcv_nxt ? SeqVerdict.IN_ORDER : SeqVerdict.OUT_OF_ORDER;
  out.first_seq = first;
  out.trim_front = seqDiff(first, c.seq);
  out.accept_len = Math.max(0, seqDiff(end, first));
  // Eighth, the FIN: it occupies the sequence number after the payload and must lie inside the window.
  out.fin = c.ctl_fin && inWindow(payloadEnd);
  return out;
}

/** RFC 9293's ACK checks with RFC 5961 §5.2's range, RFC 5681's duplicate ACK and the window update rule. */
function processAck(c: SegCase, out: SegVerdict, segWnd: number) {
  if (!c.ctl_ack) return;
  // "If the ACK acknowledges something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment".
  if (seqGt(c.ack, c.snd_nxt)) { out.ack_unsent = true; return; }
  // RFC 5961 §5.2: acceptable only if (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT.
  if (seqLt(c.ack, seqAdd(c.snd_una, -c.max_snd_wnd))) { out.ack_too_old = true; return; }
  out.ack_ok = true;
  // "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK."
  out.ack_advance = seqLt(c.snd_una, c.ack);
  // RFC 5681 §2 DUPLICATE ACKNOWLEDGMENT: (a) outstanding data, (b) no data, (c) SYN and FIN off,
  // (d) SEG.ACK equals the greatest acknowledgment received (SND.UNA), (e) the advertised window is unchanged.
  out.dup_ack = c.snd_una !== c.snd_nxt && c.len === 0 && !c.ctl_syn && !c.ctl_fin && c.ack === c.snd_una && segWnd === c.snd_wnd;
  // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If (SND.WL1 < SEG.SEQ or
  // (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, ...".
  out.wnd_update = seqLeq(c.snd_una, c.ack) && (seqLt(c.snd_wl1, c.seq) || (c.snd_wl1 === c.seq && seqLeq(c.snd_wl2, c.ack)));
}
