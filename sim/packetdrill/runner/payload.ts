/**
 * Payload bytes the runner puts in inbound segments and in write()/send() buffers.
 *
 * packetdrill sends zeros; the runner sends a pattern that is a function of the byte's sequence
 * number instead, so that data read back (and data the target sends) can be checked byte by byte:
 * a retransmitted or overlapping segment carries the same bytes as the original, and a stack
 * that reorders, duplicates or loses data is caught.
 */

/** Byte carried at absolute remote sequence number `seq` (inbound data). */
export function remoteByte(seq: number): number {
  const s = seq >>> 0;
  return (s * 7 + 3 + (s >>> 8) * 13) & 0xff;
}

/** Byte carried at relative local sequence number `relSeq` (data the target sends). */
export function localByte(relSeq: number): number {
  const s = relSeq >>> 0;
  return (s * 11 + 5 + (s >>> 8) * 3) & 0xff;
}

export function remoteBytes(startSeq: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = remoteByte(startSeq + i);
  return out;
}

export function localBytes(startRelSeq: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = localByte(startRelSeq + i);
  return out;
}

/** Index of the first byte where `actual` differs from `expected(i)`, or -1. */
export function firstDifference(actual: Uint8Array, expected: (i: number) => number): number {
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected(i)) return i;
  return -1;
}
