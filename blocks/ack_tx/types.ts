// Field layouts of the ACK generator and TX frame builder interfaces, defined once for the RTL and the tests.
// MACs and IPv4 addresses are numbers with the first wire byte most significant (sim/packet's convention:
// 10.0.0.1 = 0x0a000001, 02:00:00:00:00:01 = 0x020000000001).
import { Bool, Flip, Struct, UInt, Vec, type HwType } from '../../dsl/index.ts';

/** At most four SACK blocks fit in the 40-byte option space (three alongside timestamps). */
export const MAX_SACK_BLOCKS = 4;

/** Ethernet 14 + IPv4 20 + TCP 20 bytes: the header of a segment without options. */
export const BASE_HEADER_BYTES = 54;
/** With the longest option area (40 bytes). */
export const MAX_HEADER_BYTES = BASE_HEADER_BYTES + 40;

export const SackBlock = Struct({ left: UInt(32), right: UInt(32) });

/** The endpoints of a connection as they go into our outgoing frames (src = this host). */
export const addressFields = {
  dst_mac: UInt(48), src_mac: UInt(48), src_ip: UInt(32), dst_ip: UInt(32), src_port: UInt(16), dst_port: UInt(16),
};

/**
 * A SYN's option area instead (syn_opts set): MSS, then SACK-permitted and timestamps (when ts_enabled) or
 * SACK-permitted alone, then window scale, Linux's layout: `MSS`, `SACKOK TS` | `NOP NOP TS` | `NOP NOP SACKOK`,
 * `NOP WS` (4 to 20 bytes). sack_count is ignored in a SYN.
 */
export const synOptionFields = {
  syn_opts: Bool, syn_mss: UInt(16), syn_sack_ok: Bool, syn_ws_ok: Bool, syn_ws: UInt(4),
};

/**
 * Options of an outgoing segment, laid out as Linux does: NOP NOP TS (12 bytes) when ts_enabled, then
 * NOP NOP SACK (4 + 8n bytes) for sack_count = n > 0. TSval comes from the block's free-running `tsval` input.
 * sack_count is clamped to 4, and to 3 with timestamps (the 40-byte limit).
 */
export const optionFields = {
  ts_enabled: Bool, ts_ecr: UInt(32), sack_count: UInt(3), sack: Vec(SackBlock, MAX_SACK_BLOCKS),
  ...synOptionFields,
};

/**
 * A segment to send: the TX builder's descriptor (and what the ACK generator turns a request into).
 * payload_sum is the ones'-complement sum of the payload as 16-bit big-endian words from its first byte
 * (RFC 1071 partial sum, folded to 16 bits), as the DMA/skb path computes it on copy.
 */
export const segmentFields = {
  ...addressFields,
  seq: UInt(32), ack: UInt(32),
  /** CWR ECE URG ACK PSH RST SYN FIN, as in header byte 13. */
  flags: UInt(8),
  /** The 16-bit window field as sent (already scaled). */
  window: UInt(16),
  ...optionFields,
  payload_len: UInt(16), payload_sum: UInt(16),
};

/** The connection state a pure ACK is built from (what the delayed-ACK table keeps per connection). */
export const connFields = {
  ...addressFields,
  snd_nxt: UInt(32), rcv_nxt: UInt(32),
  /** RCV.WND in bytes, unscaled; advertised as min(rcv_wnd >> rcv_wscale, 65535). */
  rcv_wnd: UInt(32),
  /** Our receive window shift; values above 14 count as 14 (RFC 7323 §2.3). */
  rcv_wscale: UInt(4),
  ts_enabled: Bool, ts_recent: UInt(32),
};

/** The offending segment a RST answers (RFC 9293 §3.10.7.1): its SEQ, ACK, payload length and flags. */
export const offendingFields = { seg_seq: UInt(32), seg_ack: UInt(32), seg_len: UInt(16), seg_flags: UInt(8) };

/** Kinds of frame the ACK frame builder makes. */
export const AckKind = {
  /** Pure ACK: SEQ = SND.NXT, ACK = RCV.NXT, window and options from the connection. */
  ACK: 0,
  /** Reset in reply to a segment for no connection: SEQ = SEG.ACK if it had ACK, else SEQ 0 and ACK = SEG.SEQ + SEG.LEN. */
  RST: 1,
} as const;

/** A request to the ACK frame builder. */
export const ackRequestFields = {
  kind: UInt(1),
  ...connFields,
  sack_count: UInt(3), sack: Vec(SackBlock, MAX_SACK_BLOCKS),
  ...offendingFields,
};

/** What the RX path reports about a received segment (the `event` field of an AckEvent). */
export const AckEventKind = {
  /** In-order data of seg_len bytes: delayed ACK (ACK once 2*MSS are unacknowledged, or at the timeout). */
  IN_ORDER: 0,
  /** In-order data that fills all or part of a gap: ACK now (RFC 5681 §4.2). */
  FILLS_GAP: 1,
  /** Out-of-order data: duplicate ACK now, with the SACK blocks given (RFC 5681 §4.2). */
  OUT_OF_ORDER: 2,
  /** An unacceptable (old/duplicate) segment: ACK now (RFC 9293 §3.10.7.4). */
  DUPLICATE: 3,
  /** A challenge ACK (RFC 5961 §3-5): ACK now unless rate-limited. */
  CHALLENGE: 4,
  /** A segment for no connection: RST by RFC 9293's rules, from seg_* (the connection table is not touched). */
  RST_NEEDED: 5,
  /** An in-order FIN: ACK now. */
  FIN: 6,
  /** ACK now with these fields (window update, firmware request). */
  ACK_NOW: 7,
} as const;

export const ackEventFields = (connBits: number) => ({
  conn: UInt(connBits), event: UInt(3),
  /** The connection's receive MSS (the delayed-ACK byte threshold is 2 * mss). */
  mss: UInt(16),
  ...connFields,
  sack_count: UInt(3), sack: Vec(SackBlock, MAX_SACK_BLOCKS),
  ...offendingFields,
});

/**
 * A connection's SACK blocks as the firmware sets them (firmware/api.ts SACK_SET: the same field names and
 * order; conn narrowed to the table's index): `count` blocks (0..4; 0 clears), the block with the most recent
 * segment first. The ACK generator keeps them per connection and puts them on every ACK it builds.
 */
export const sackSetFieldsFor = (connBits: number) => ({
  conn: UInt(connBits), count: UInt(3),
  left0: UInt(32), right0: UInt(32), left1: UInt(32), right1: UInt(32),
  left2: UInt(32), right2: UInt(32), left3: UInt(32), right3: UInt(32),
});

/** A valid/ready handshake carrying `fields` (ports NAME_valid, NAME_ready, NAME_<field>...). */
export function Handshake<F extends Record<string, HwType>>(fields: F) {
  return Struct({ ...fields, valid: Bool, ready: Flip(Bool) });
}

/** Datapath widths the blocks support. */
export function checkWidth(block: string, width: number): number {
  if (![8, 16, 32, 64, 128, 256, 512].includes(width)) throw new Error(`${block}: width must be 8, 16, 32, 64, 128, 256 or 512, got ${width}`);
  return width / 8;
}
