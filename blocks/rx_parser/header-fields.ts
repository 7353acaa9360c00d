// Reading header fields out of the parser's header store: one 8-bit signal per frame byte, byte 0 first.
import { UInt, cat, lit, type Sig } from '../../dsl/index.ts';

/** Frame bytes the parser keeps: 14 (Ethernet) + 60 (largest IPv4 header) + 60 (largest TCP header). */
export const HEADER_BYTES = 134;
/** Where the IPv4 header starts, and where the TCP header starts when IHL is 5. */
export const IP_START = 14;
export const TCP_START_MIN = IP_START + 20;
/** Bytes of TCP header kept (data offset 15). */
export const TCP_HEADER_MAX = 60;
/** Frame bytes up to and including the latest possible data offset byte (IHL 15). */
export const LAST_DATA_OFFSET_BYTE = IP_START + 60 + 13;

/** The n bytes from `at` as one big-endian (network order) number. */
export function beField(bytes: readonly Sig[], at: number, n: number): Sig {
  const picked = bytes.slice(at, at + n);
  if (picked.length !== n) throw new Error(`beField: bytes ${at}..${at + n - 1} are outside the ${bytes.length} given`);
  return cat(...picked);
}

/**
 * The 60 bytes from the start of the TCP header, which sits at 14 + 4*IHL: the bytes from offset 34 shifted
 * down by 4*(IHL-5) bytes (a shifter in 32-bit steps). Meaningless unless 5 <= IHL.
 */
export function tcpHeaderBytes(store: readonly Sig[], ihl: Sig): Sig[] {
  const region = cat(...store.slice(TCP_START_MIN).reverse()); // byte 34 in the low bits
  const wordsSkipped = ihl.sub(5);
  const shiftBits = cat(wordsSkipped, lit(0, UInt(5))); // (IHL-5) * 32
  const shifted = region.shr(shiftBits);
  return Array.from({ length: TCP_HEADER_MAX }, (_, r) => shifted.slice(8 * r + 7, 8 * r));
}
