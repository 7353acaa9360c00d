// What the ack_tx blocks' frames must be, built with the packet reference library.
import { buildTcpFrame, checksumPartial, seqAdd, TcpFlags, type TcpOption } from '../../sim/packet/index.ts';
import type { AckRequest, SackBlockValue, SegmentDesc } from './fields.ts';

export const TTL = 64;

export function macBytes(n: number): Uint8Array {
  return Uint8Array.from([40, 32, 24, 16, 8, 0].map((s) => Number((BigInt(n) >> BigInt(s)) & 0xffn)));
}

/** Linux's layout: NOP NOP TS, then NOP NOP SACK (at most 3 blocks beside TS, 4 without). */
export function segmentOptions(tsEnabled: boolean, tsval: number, tsecr: number, sackCount: number, sack: SackBlockValue[]): TcpOption[] {
  const opts: TcpOption[] = [];
  const n = Math.min(sackCount, tsEnabled ? 3 : 4);
  if (tsEnabled) opts.push({ type: 'nop' }, { type: 'nop' }, { type: 'timestamps', tsval, tsecr });
  if (n > 0) opts.push({ type: 'nop' }, { type: 'nop' }, { type: 'sack', blocks: sack.slice(0, n).map((b) => ({ ...b })) });
  return opts;
}

/** The frame the TX builder must send for a descriptor and its payload. */
export function expectedSegmentFrame(d: SegmentDesc, payload: Uint8Array, tsval: number, ipId: number): Uint8Array {
  return buildTcpFrame({
    srcMac: macBytes(d.src_mac), dstMac: macBytes(d.dst_mac), srcIp: d.src_ip, dstIp: d.dst_ip,
    srcPort: d.src_port, dstPort: d.dst_port, seq: d.seq, ack: d.ack, flags: d.flags, window: d.window,
    options: segmentOptions(d.ts_enabled, tsval, d.ts_ecr, d.sack_count, d.sack), payload, ipId: ipId & 0xffff, ttl: TTL, df: true,
  });
}

/** A descriptor's payload_sum. */
export const payloadSum = (payload: Uint8Array) => checksumPartial(payload);

/** The advertised window: RCV.WND >> min(wscale, 14), at most 65535. */
export function advertisedWindow(rcvWnd: number, wscale: number): number {
  return Math.min(0xffff, Math.floor(rcvWnd / 2 ** Math.min(wscale, 14)));
}

/** The frame the ACK frame builder must send for a request. */
export function expectedAckFrame(r: AckRequest, tsval: number, ipId: number): Uint8Array {
  const base = {
    srcMac: macBytes(r.src_mac), dstMac: macBytes(r.dst_mac), srcIp: r.src_ip, dstIp: r.dst_ip,
    srcPort: r.src_port, dstPort: r.dst_port, ipId: ipId & 0xffff, ttl: TTL, df: true,
  };
  if (r.kind === 1) return buildTcpFrame({ ...base, ...rstFields(r), window: 0 });
  return buildTcpFrame({
    ...base, seq: r.snd_nxt, ack: r.rcv_nxt, flags: TcpFlags.ACK, window: advertisedWindow(r.rcv_wnd, r.rcv_wscale),
    options: segmentOptions(r.ts_enabled, tsval, r.ts_recent, r.sack_count, r.sack),
  });
}

/** RFC 9293 §3.10.7.1: the reset for a segment that belongs to no connection. */
export function rstFields(r: { seg_seq: number; seg_ack: number; seg_len: number; seg_flags: number }): { seq: number; ack: number; flags: number } {
  if (r.seg_flags & TcpFlags.ACK) return { seq: r.seg_ack, ack: 0, flags: TcpFlags.RST };
  const len = r.seg_len + (r.seg_flags & TcpFlags.SYN ? 1 : 0) + (r.seg_flags & TcpFlags.FIN ? 1 : 0);
  return { seq: 0, ack: seqAdd(r.seg_seq, len), flags: TcpFlags.RST | TcpFlags.ACK };
}
