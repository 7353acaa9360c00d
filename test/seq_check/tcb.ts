// A receiver's connection state for replaying a capture through seq_check: the TCB fields the block reads,
// initialised from the handshake and updated from the model's verdicts and from the receiver's own segments.
import { seqAdd, seqDiff, seqLt, TcpFlags, type TcpHeader, type TcpOption } from '../../sim/packet/index.ts';
import { SeqVerdict } from '../../blocks/seq_check/interface.ts';
import type { SegCase, SegVerdict } from '../../sim/tcp/seq-check-model.ts';

const has = (h: TcpHeader, f: number) => (h.flags & f) !== 0;
const segLength = (h: TcpHeader, payload: number) => payload + (has(h, TcpFlags.SYN) ? 1 : 0) + (has(h, TcpFlags.FIN) ? 1 : 0);
const wscaleOf = (h: TcpHeader) => h.options.find((o): o is Extract<TcpOption, { type: 'wscale' }> => o.type === 'wscale');

export class ReceiverTcb {
  rcvNxt: number;
  sndUna: number;
  sndNxt: number;
  sndWnd: number;
  sndWl1: number;
  sndWl2: number;
  maxSndWnd: number;
  /** The right edge of the window the receiver last advertised: RCV.WND = rightEdge - RCV.NXT. */
  rightEdge: number;
  readonly sndWscale: number;
  readonly rcvWscale: number;

  /** From the peer's SYN (or SYN-ACK) and the receiver's SYN-ACK (or SYN). Windows in SYNs are never scaled. */
  constructor(peerSyn: TcpHeader, ownSyn: TcpHeader) {
    const scaled = wscaleOf(peerSyn) !== undefined && wscaleOf(ownSyn) !== undefined;
    this.sndWscale = scaled ? wscaleOf(peerSyn)!.shift : 0;
    this.rcvWscale = scaled ? wscaleOf(ownSyn)!.shift : 0;
    this.rcvNxt = seqAdd(peerSyn.seq, 1);
    this.sndUna = ownSyn.seq;
    this.sndNxt = seqAdd(ownSyn.seq, 1);
    this.sndWnd = peerSyn.window;
    this.maxSndWnd = peerSyn.window;
    this.sndWl1 = peerSyn.seq;
    this.sndWl2 = ownSyn.seq;
    this.rightEdge = seqAdd(this.rcvNxt, ownSyn.window);
  }

  get rcvWnd(): number { return Math.max(0, seqDiff(this.rightEdge, this.rcvNxt)); }

  /** The block's input for an arriving segment. */
  caseFor(h: TcpHeader, payloadLen: number, tag: number): SegCase {
    return {
      tag, seq: h.seq, ack: h.ack, len: payloadLen, wnd: h.window,
      ctl_syn: has(h, TcpFlags.SYN), ctl_ack: has(h, TcpFlags.ACK), ctl_fin: has(h, TcpFlags.FIN), ctl_rst: has(h, TcpFlags.RST),
      rcv_nxt: this.rcvNxt, rcv_wnd: this.rcvWnd,
      snd_una: this.sndUna, snd_nxt: this.sndNxt, snd_wnd: this.sndWnd, snd_wscale: this.sndWscale,
      snd_wl1: this.sndWl1, snd_wl2: this.sndWl2, max_snd_wnd: this.maxSndWnd,
    };
  }

  /** What the receiver does with an arriving segment's verdict (out-of-order data is not reassembled here). */
  arrived(c: SegCase, v: SegVerdict): void {
    if (v.verdict === SeqVerdict.IN_ORDER) this.rcvNxt = seqAdd(v.first_seq, v.accept_len + (v.fin ? 1 : 0));
    if (v.ack_advance) this.sndUna = c.ack;
    if (v.wnd_update) {
      this.sndWnd = v.seg_wnd;
      this.sndWl1 = c.seq;
      this.sndWl2 = c.ack;
      this.maxSndWnd = Math.max(this.maxSndWnd, v.seg_wnd);
    }
  }

  /** A segment the receiver sent: what it has sent, and the window it advertised (the right edge never moves back). */
  sent(h: TcpHeader, payloadLen: number): void {
    const end = seqAdd(h.seq, segLength(h, payloadLen));
    if (seqLt(this.sndNxt, end)) this.sndNxt = end;
    if (has(h, TcpFlags.ACK)) {
      const edge = seqAdd(h.ack, h.window * 2 ** this.rcvWscale);
      if (seqLt(this.rightEdge, edge)) this.rightEdge = edge;
    }
  }
}
