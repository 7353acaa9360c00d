// The tx_engine's request port `txr_*`: one firmware command (TX_SEG, TX_SYN, TX_RST, SQ_RELEASE) with the
// command's fields (firmware/api.ts names) and the TCB fields the frame needs (blocks/conn_table/tcb.ts names),
// which cmd_exec reads from conn_table before it asks.
import { Bool, UInt } from '../../dsl/index.ts';

/** What `txr_kind` asks for. */
export const TxrKind = { SEG: 0, SYN: 1, RST: 2, RELEASE: 3 } as const;

export const txrFields = {
  kind: UInt(2),
  /** The firmware's connection number (unused by RST); a number >= the engine's `conns` is refused and counted. */
  conn: UInt(16),
  // ---- the command's fields (TX_SEG: seq len flags; TX_SYN: seq ack flags mss ws_ok ws sack_ok ts_ok ts_ecr;
  // TX_RST: seq ack flags; SQ_RELEASE: upto)
  seq: UInt(32), ack: UInt(32), len: UInt(16), flags: UInt(9),
  mss: UInt(16), ws_ok: Bool, ws: UInt(4), sack_ok: Bool, ts_ok: Bool, ts_ecr: UInt(32),
  upto: UInt(32),
  // ---- the frame's addresses (TX_RST: the command's remote_ip/ports, remote_mac from the neighbour table)
  remote_mac: UInt(48), local_ip: UInt(32), remote_ip: UInt(32), local_port: UInt(16), remote_port: UInt(16),
  // ---- TCB fields (TX_SEG: all but rcvbuf; TX_SYN: snd_nxt and rcvbuf)
  snd_nxt: UInt(32), rcv_nxt: UInt(32), rcv_wnd: UInt(32), rcv_wscale: UInt(4),
  /** The TCB's ts_ok (timestamps negotiated); the SYN's own choice is `ts_ok`. */
  tcb_ts_ok: Bool, ts_recent: UInt(32), rcvbuf: UInt(32),
};
