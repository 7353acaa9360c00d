// Internet checksum (RFC 1071) and the TCP/UDP pseudo-header.
//
// A "partial sum" here is the ones'-complement sum of 16-bit big-endian words, folded
// to 16 bits (0..0xffff). Partial sums of consecutive pieces combine with
// checksumCombine(); the checksum field value is checksumFinish(sum) = ~sum.

import type { Ipv4Addr } from './addr.ts';

/** Ones'-complement sum of bytes[offset, offset+length), big-endian words, odd tail padded with zero. */
export function checksumPartial(bytes: Uint8Array, initial = 0, offset = 0, length = bytes.length - offset): number {
  if (offset < 0 || length < 0 || offset + length > bytes.length) {
    throw new RangeError(`checksum range ${offset}+${length} outside buffer of ${bytes.length} bytes`);
  }
  let sum = initial;
  const end = offset + length;
  let i = offset;
  // Deferred carries: a JS number holds 2^53, so fold only every 32k words.
  while (i + 1 < end) {
    const stop = Math.min(end - 1, i + 65536);
    for (; i < stop; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
    sum = fold(sum);
  }
  if (i < end) sum += bytes[i]! << 8;
  return fold(sum);
}

/**
 * Combine the partial sum `a` of a first piece of `aLength` bytes with the partial sum `b`
 * of the piece that follows it. When the first piece has odd length the second one starts
 * mid-word, so its sum is byte-swapped (RFC 1071 §2(B)).
 */
export function checksumCombine(a: number, b: number, aLength: number): number {
  const bb = aLength % 2 === 0 ? b : ((b << 8) | (b >>> 8)) & 0xffff;
  return fold(a + bb);
}

/** Checksum field value for a partial sum. */
export function checksumFinish(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/** RFC 1071 checksum of a whole buffer; 0 when the buffer already holds a correct checksum. */
export function internetChecksum(bytes: Uint8Array): number {
  return checksumFinish(checksumPartial(bytes));
}

/**
 * Incremental update (RFC 1624 eqn 3): new checksum field after one 16-bit word of the
 * covered data changes from oldWord to newWord.
 */
export function checksumUpdate16(oldChecksum: number, oldWord: number, newWord: number): number {
  return checksumFinish((~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff));
}

/** Partial sum of the IPv4 pseudo-header: src, dst, zero, protocol, upper-layer length. */
export function pseudoHeaderSum(src: Ipv4Addr, dst: Ipv4Addr, protocol: number, length: number): number {
  return fold((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length);
}

export const IPPROTO_TCP = 6;

/**
 * TCP checksum field value for `segment` (header + payload), treating the checksum field
 * (bytes 16..17) as zero whatever it holds.
 */
export function tcpChecksum(src: Ipv4Addr, dst: Ipv4Addr, segment: Uint8Array): number {
  requireLength(segment, 18, 'TCP segment');
  const stored = (segment[16]! << 8) | segment[17]!;
  const sum = checksumPartial(segment, pseudoHeaderSum(src, dst, IPPROTO_TCP, segment.length));
  // Remove the stored field from the sum: adding its complement subtracts it.
  return checksumFinish(sum + (~stored & 0xffff));
}

/** True when the TCP checksum in `segment` is correct. */
export function tcpChecksumOk(src: Ipv4Addr, dst: Ipv4Addr, segment: Uint8Array): boolean {
  requireLength(segment, 18, 'TCP segment');
  return checksumFinish(checksumPartial(segment, pseudoHeaderSum(src, dst, IPPROTO_TCP, segment.length))) === 0;
}

/** Write the correct TCP checksum into `segment` in place. */
export function fillTcpChecksum(src: Ipv4Addr, dst: Ipv4Addr, segment: Uint8Array): void {
  const c = tcpChecksum(src, dst, segment);
  segment[16] = c >>> 8;
  segment[17] = c & 0xff;
}

/** True when the IPv4 header checksum is correct. `header` is exactly the IHL*4 header bytes. */
export function ipv4HeaderChecksumOk(header: Uint8Array): boolean {
  requireLength(header, 20, 'IPv4 header');
  return internetChecksum(header) === 0;
}

/** Write the correct IPv4 header checksum into `header` (exactly IHL*4 bytes) in place. */
export function fillIpv4HeaderChecksum(header: Uint8Array): void {
  requireLength(header, 20, 'IPv4 header');
  header[10] = 0;
  header[11] = 0;
  const c = internetChecksum(header);
  header[10] = c >>> 8;
  header[11] = c & 0xff;
}

// End-around carry until the value fits in 16 bits.
function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

function requireLength(bytes: Uint8Array, min: number, what: string): void {
  if (bytes.length < min) throw new RangeError(`${what} must be at least ${min} bytes, got ${bytes.length}`);
}
