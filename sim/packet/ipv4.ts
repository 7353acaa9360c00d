// IPv4 header (RFC 791). Fields are kept as on the wire, including the checksum and the
// raw option bytes, so that writeIpv4(parseIpv4(x)) reproduces x exactly. Builders in
// frame.ts compute totalLength and the checksum; this file never recomputes them.

import type { Ipv4Addr } from './addr.ts';
import { be16, be32, put16, put32 } from './bytes.ts';
import { fail, type Parsed } from './errors.ts';

export interface Ipv4Header {
  /** Header length in 32-bit words, 5..15; must equal 5 + options.length / 4. */
  ihl: number;
  /** Differentiated services code point, 0..63. */
  dscp: number;
  /** ECN field, 0..3. */
  ecn: number;
  /** Header + payload length in bytes. */
  totalLength: number;
  id: number;
  /** The reserved flag bit (bit 0 of the flags); kept only for byte-exact round trips. */
  reservedFlag: boolean;
  df: boolean;
  mf: boolean;
  /** In units of 8 bytes, 0..8191. */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: Ipv4Addr;
  dst: Ipv4Addr;
  /** Raw option bytes (IHL*4 - 20 of them), preserved exactly, not interpreted. */
  options: Uint8Array;
}

export function ipv4HeaderLength(h: Ipv4Header): number {
  return 20 + h.options.length;
}

/**
 * Parse the IPv4 header at bytes[offset..]. Checks version, IHL and total length against the
 * bytes present; does not check the checksum (see ipv4HeaderChecksumOk) or fragmentation.
 */
export function parseIpv4(bytes: Uint8Array, offset = 0): Parsed<Ipv4Header> {
  const avail = bytes.length - offset;
  if (avail < 20) return fail('ipv4-truncated', offset, `IPv4 header needs 20 bytes, ${avail} present`);
  const vihl = bytes[offset]!;
  if (vihl >>> 4 !== 4) return fail('ipv4-bad-version', offset, `version is ${vihl >>> 4}, expected 4`);
  const ihl = vihl & 0x0f;
  if (ihl < 5) return fail('ipv4-bad-ihl', offset, `IHL is ${ihl}, minimum is 5`);
  if (avail < ihl * 4) {
    return fail('ipv4-truncated', offset, `IHL ${ihl} means a ${ihl * 4}-byte header, ${avail} bytes present`);
  }
  const totalLength = be16(bytes, offset + 2);
  if (totalLength < ihl * 4 || totalLength > avail) {
    return fail('ipv4-bad-total-length', offset + 2,
      `total length ${totalLength} must be between the header length ${ihl * 4} and the ${avail} bytes present`);
  }
  const flagsFrag = be16(bytes, offset + 6);
  return {
    ok: true,
    value: {
      ihl,
      dscp: bytes[offset + 1]! >>> 2,
      ecn: bytes[offset + 1]! & 3,
      totalLength,
      id: be16(bytes, offset + 4),
      reservedFlag: (flagsFrag & 0x8000) !== 0,
      df: (flagsFrag & 0x4000) !== 0,
      mf: (flagsFrag & 0x2000) !== 0,
      fragmentOffset: flagsFrag & 0x1fff,
      ttl: bytes[offset + 8]!,
      protocol: bytes[offset + 9]!,
      checksum: be16(bytes, offset + 10),
      src: be32(bytes, offset + 12),
      dst: be32(bytes, offset + 16),
      options: bytes.slice(offset + 20, offset + ihl * 4),
    },
  };
}

/** Write the header at out[offset..] exactly as given; returns the offset just past it. */
export function writeIpv4(h: Ipv4Header, out: Uint8Array, offset = 0): number {
  if (h.options.length % 4 !== 0 || h.options.length > 40 || h.ihl !== 5 + h.options.length / 4) {
    throw new Error(`IPv4 header: IHL ${h.ihl} does not match ${h.options.length} option bytes (need a multiple of 4, at most 40)`);
  }
  out[offset] = 0x40 | h.ihl;
  out[offset + 1] = ((h.dscp & 0x3f) << 2) | (h.ecn & 3);
  let o = put16(out, offset + 2, h.totalLength);
  o = put16(out, o, h.id);
  o = put16(out, o, (h.reservedFlag ? 0x8000 : 0) | (h.df ? 0x4000 : 0) | (h.mf ? 0x2000 : 0) | (h.fragmentOffset & 0x1fff));
  out[o++] = h.ttl;
  out[o++] = h.protocol;
  o = put16(out, o, h.checksum);
  o = put32(out, o, h.src);
  o = put32(out, o, h.dst);
  out.set(h.options, o);
  return o + h.options.length;
}

export function isFragment(h: Ipv4Header): boolean {
  return h.mf || h.fragmentOffset !== 0;
}
