// The seq_check block's ports: a received segment with its connection's state in, a verdict out.
import { Bool, Flip, Struct, UInt } from '../../dsl/index.ts';

/**
 * What to do with a received segment. Only IN_ORDER and OUT_OF_ORDER deliver payload bytes (trim_front,
 * accept_len, fin); every other verdict drops the payload.
 */
export const SeqVerdict = {
  /** Acceptable, and its first new sequence number is RCV.NXT (pure ACKs at RCV.NXT included). */
  IN_ORDER: 0,
  /** Acceptable, starts inside the window beyond RCV.NXT: queue out of order, send an immediate ACK. */
  OUT_OF_ORDER: 1,
  /** Unacceptable and entirely before RCV.NXT (a retransmission or keep-alive): drop, send an ACK. */
  DUPLICATE: 2,
  /** Unacceptable for any other reason (beyond the window, zero-window probe, ACK of unsent data, ACK too old): drop, send an ACK. */
  SEND_ACK: 3,
  /** Drop silently: RST outside the window, or no ACK bit. */
  DROP: 4,
  /** RST exactly at RCV.NXT: reset the connection (RFC 5961 §3.2). */
  RESET: 5,
  /** RST in the window but not at RCV.NXT, or any SYN: send a (rate-limited) challenge ACK, drop (RFC 5961 §3.2, §4.2). */
  CHALLENGE_ACK: 6,
} as const;
export type SeqVerdictCode = (typeof SeqVerdict)[keyof typeof SeqVerdict];

export const verdictName = (v: number): string =>
  Object.entries(SeqVerdict).find(([, code]) => code === v)?.[0] ?? `<invalid ${v}>`;

/** One received segment and the connection state it is checked against (valid/ready handshake). */
export const SegmentIn = (tagBits: number) => Struct({
  valid: Bool,
  ready: Flip(Bool),
  /** Passed through unchanged: the caller's handle on the segment (a connection or buffer index). */
  tag: UInt(tagBits),
  seq: UInt(32),
  ack: UInt(32),
  /** Payload bytes (SYN and FIN are counted separately, from ctl). */
  len: UInt(16),
  /** The window field as on the wire (unscaled). */
  wnd: UInt(16),
  ctl: Struct({ syn: Bool, ack: Bool, fin: Bool, rst: Bool }),
  rcv_nxt: UInt(32),
  rcv_wnd: UInt(32),
  snd_una: UInt(32),
  snd_nxt: UInt(32),
  /** The send window the connection holds now (scaled), compared with this segment's for RFC 5681 duplicate ACKs. */
  snd_wnd: UInt(32),
  /** The peer's window scale shift (RFC 7323); values above 14 count as 14. */
  snd_wscale: UInt(4),
  /** SEG.SEQ and SEG.ACK of the segment that last updated the send window. */
  snd_wl1: UInt(32),
  snd_wl2: UInt(32),
  /** The largest window the peer has advertised (RFC 5961 §5 ACK range check). */
  max_snd_wnd: UInt(32),
});

/** The verdict for one segment, in input order. */
export const VerdictOut = (tagBits: number) => Struct({
  valid: Bool,
  ready: Flip(Bool),
  tag: UInt(tagBits),
  /** A SeqVerdict code. */
  verdict: UInt(3),
  /** Payload bytes to skip (already received). Zero unless IN_ORDER or OUT_OF_ORDER. */
  trim_front: UInt(16),
  /** Payload bytes to keep after trim_front (the rest lies beyond the window's right edge). */
  accept_len: UInt(16),
  /** Sequence number of the first kept byte (zero unless IN_ORDER or OUT_OF_ORDER). */
  first_seq: UInt(32),
  /** The FIN lies inside the window and is accepted (IN_ORDER or OUT_OF_ORDER only). */
  fin: Bool,
  /** The RFC 9293 §3.10.7.4 acceptability test passed (for counters; the verdict already uses it). */
  seq_ok: Bool,
  /** The ACK field was processed and lies in [SND.UNA - MAX.SND.WND, SND.NXT]. The flags below need it. */
  ack_ok: Bool,
  /** SND.UNA < SEG.ACK <= SND.NXT: set SND.UNA to SEG.ACK. */
  ack_advance: Bool,
  /** An RFC 5681 duplicate ACK (counts towards fast retransmit). */
  dup_ack: Bool,
  /** SEG.ACK > SND.NXT: acknowledges unsent data (verdict SEND_ACK). */
  ack_unsent: Bool,
  /** SEG.ACK < SND.UNA - MAX.SND.WND (verdict SEND_ACK). */
  ack_too_old: Bool,
  /** RFC 9293 window update: set SND.WND to seg_wnd, SND.WL1 to SEG.SEQ, SND.WL2 to SEG.ACK. */
  wnd_update: Bool,
  /** SEG.WND scaled by snd_wscale. */
  seg_wnd: UInt(32),
});
