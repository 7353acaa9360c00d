// TCP header (RFC 9293 §3.1). As with IPv4, fields are kept as on the wire (checksum,
// data offset, reserved bits) so that writeTcp(parseTcp(x)) reproduces x exactly.

import { be16, be32, put16, put32 } from './bytes.ts';
import { fail, type Parsed } from './errors.ts';
import { parseTcpOptions, tcpOptionsLength, writeTcpOptions, type TcpOption } from './tcp-options.ts';

/** Flag bits as they sit in the 9 low bits of header bytes 12..13 (NS is bit 8). */
export const TcpFlags = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
} as const;

export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Header length in 32-bit words, 5..15. Option bytes not used by `options` are zero. */
  dataOffset: number;
  /** The three reserved bits between data offset and NS; kept only for byte-exact round trips. */
  reserved: number;
  /** OR of TcpFlags values, 0..0x1ff. */
  flags: number;
  window: number;
  checksum: number;
  urgentPointer: number;
  options: TcpOption[];
}

export function tcpHeaderLength(h: TcpHeader): number {
  return h.dataOffset * 4;
}

/** Smallest data offset that holds these options (padding with zero = EOL bytes). */
export function tcpDataOffsetFor(options: readonly TcpOption[]): number {
  return 5 + Math.ceil(tcpOptionsLength(options) / 4);
}

/**
 * Parse the TCP header at bytes[offset..]; bytes.length is taken as the end of the segment
 * (the end of the IPv4 payload), so pass a view bounded by the IPv4 total length.
 */
export function parseTcp(bytes: Uint8Array, offset = 0): Parsed<TcpHeader> {
  const avail = bytes.length - offset;
  if (avail < 20) return fail('tcp-truncated', offset, `TCP header needs 20 bytes, ${avail} present`);
  const w = be16(bytes, offset + 12);
  const dataOffset = w >>> 12;
  if (dataOffset < 5) return fail('tcp-bad-data-offset', offset + 12, `data offset is ${dataOffset}, minimum is 5`);
  if (dataOffset * 4 > avail) {
    return fail('tcp-data-offset-past-end', offset + 12,
      `data offset ${dataOffset} means a ${dataOffset * 4}-byte header, the segment has ${avail} bytes`);
  }
  const opts = parseTcpOptions(bytes.subarray(offset + 20, offset + dataOffset * 4), offset + 20);
  if (!opts.ok) return opts;
  return {
    ok: true,
    value: {
      srcPort: be16(bytes, offset),
      dstPort: be16(bytes, offset + 2),
      seq: be32(bytes, offset + 4),
      ack: be32(bytes, offset + 8),
      dataOffset,
      reserved: (w >>> 9) & 7,
      flags: w & 0x1ff,
      window: be16(bytes, offset + 14),
      checksum: be16(bytes, offset + 16),
      urgentPointer: be16(bytes, offset + 18),
      options: opts.value,
    },
  };
}

/** Write the header at out[offset..] exactly as given; returns the offset just past it. */
export function writeTcp(h: TcpHeader, out: Uint8Array, offset = 0): number {
  const optLen = tcpOptionsLength(h.options);
  if (h.dataOffset < 5 || h.dataOffset > 15 || 20 + optLen > h.dataOffset * 4) {
    throw new Error(`TCP header: data offset ${h.dataOffset} cannot hold ${optLen} option bytes (max data offset 15 = 40 option bytes)`);
  }
  let o = put16(out, offset, h.srcPort);
  o = put16(out, o, h.dstPort);
  o = put32(out, o, h.seq);
  o = put32(out, o, h.ack);
  o = put16(out, o, (h.dataOffset << 12) | ((h.reserved & 7) << 9) | (h.flags & 0x1ff));
  o = put16(out, o, h.window);
  o = put16(out, o, h.checksum);
  o = put16(out, o, h.urgentPointer);
  o = writeTcpOptions(h.options, out, o);
  const end = offset + h.dataOffset * 4;
  out.fill(0, o, end);
  return end;
}

// tcpdump's order: S F P R U E W N, with '.' for ACK last.
const FLAG_LETTERS: [number, string][] = [
  [TcpFlags.SYN, 'S'], [TcpFlags.FIN, 'F'], [TcpFlags.PSH, 'P'], [TcpFlags.RST, 'R'], [TcpFlags.URG, 'U'],
  [TcpFlags.ECE, 'E'], [TcpFlags.CWR, 'W'], [TcpFlags.NS, 'N'], [TcpFlags.ACK, '.'],
];

/** tcpdump-style flag letters, e.g. "S." for SYN+ACK, "P." for PSH+ACK, "none" for 0. */
export function tcpFlagsToString(flags: number): string {
  return FLAG_LETTERS.filter(([bit]) => flags & bit).map(([, l]) => l).join('') || 'none';
}
