// The firmware events rx_dispatch posts, packed from a segment record (firmware/api.ts layouts via packEvent),
// with the field values sim/toe_model/toe.ts rxSegment gives them.
import { UInt, lit, mux, type Sig } from '../../dsl/index.ts';
import { packEvent } from '../lib/fw-record.ts';
import { NO_SKB, SackMode, Verdict } from '../../firmware/api.ts';

export type Rec = Record<string, Sig>;

/** The parser's option fields as the events name them. */
const options = (r: Rec) => ({
  opt_mss_ok: r.mss_present!, opt_mss: r.mss!, opt_ws_ok: r.wscale_present!, opt_ws: r.wscale!, opt_sack_ok: r.sack_permitted!,
  opt_ts_ok: r.ts_present!, opt_tsval: r.ts_val!, opt_tsecr: r.ts_ecr!,
});

export function segNoconnEvent(r: Rec): Sig {
  return packEvent('SEG_NOCONN', {
    remote_ip: r.ip_src!, remote_port: r.tcp_src_port!, local_port: r.tcp_dst_port!, seq: r.tcp_seq!, ack: r.tcp_ack!,
    flags: r.tcp_flags!, wnd: r.tcp_window!, len: r.payload_len!, ...options(r),
  });
}

/** SEG: `raw` posts verdict UNCHECKED and no seq_check fields; `skb` is the block holding the accepted bytes. */
export function segEvent(r: Rec, raw: Sig, skb: Sig): Sig {
  const z = (s: Sig) => mux(raw, lit(0, UInt(s.width)), s);
  return packEvent('SEG', {
    conn: r.index!, verdict: mux(raw, lit(Verdict.UNCHECKED, UInt(3)), r.verdict!), flags: r.tcp_flags!, seq: r.tcp_seq!,
    ack: r.tcp_ack!, wnd: r.tcp_window!, len: r.payload_len!,
    skb: mux(raw.lor(r.accept_len!.eq(0)), lit(NO_SKB, UInt(16)), skb), first_seq: z(r.first_seq!), accept_len: z(r.accept_len!),
    fin: z(r.fin!), ack_ok: z(r.ack_ok!), ack_advance: z(r.ack_advance!), ack_unsent: z(r.ack_unsent!), rcv_nxt: r.rcv_nxt!,
    ...options(r),
  });
}

/** The ACK field's event to the TX core (values after the segment). */
export function ackEvent(r: Rec): Sig {
  return packEvent('ACK', {
    conn: r.index!, snd_una: r.snd_una!, snd_wnd: r.snd_wnd!, advanced: r.ack_advance!, dup: r.dup_ack!, wnd_changed: r.wnd_changed!,
  });
}

/** The segment's SACK blocks (the first `sackBlocks` the parser reports; count clamped to them). */
export function sackRcvdEvent(r: Rec, sackBlocks: number): Sig {
  const count = mux(r.sack_count!.gt(sackBlocks), lit(sackBlocks, UInt(3)), r.sack_count!);
  const blocks: Record<string, Sig> = {};
  for (let b = 0; b < Math.min(sackBlocks, 4); b++) { blocks[`left${b}`] = r[`sack_left_${b}`]!; blocks[`right${b}`] = r[`sack_right_${b}`]!; }
  return packEvent('SACK_RCVD', { conn: r.index!, snd_una: r.snd_una!, count, ...blocks });
}

/** Does the record carry SACK blocks the TX core should see? */
export const hasSack = (r: Rec): Sig => r.sack_mode!.ne(SackMode.OFF).land(r.sack_count!.ne(0)).land(r.ack_ok!);
/** Does the ACK field change something the TX core must hear about? */
export const ackWorthy = (r: Rec): Sig => r.ack_ok!.land(r.ack_advance!.lor(r.dup_ack!).lor(r.wnd_changed!));
