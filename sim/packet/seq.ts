// TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4, RFC 1982 style).
// Comparisons are only meaningful when the two numbers are less than 2^31 apart;
// a difference of exactly 2^31 compares as "a < b" (the signed difference is -2^31).

/** a + n mod 2^32, as an unsigned 32-bit number. n may be negative. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Signed distance a - b in the range -2^31 .. 2^31-1. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLeq(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

export function seqGeq(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}

/** lo <= x < hi in sequence space, for windows of any size below 2^32 (empty when lo == hi). */
export function seqInWindow(x: number, lo: number, hi: number): boolean {
  return ((x - lo) >>> 0) < ((hi - lo) >>> 0);
}
