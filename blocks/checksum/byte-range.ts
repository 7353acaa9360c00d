// Which bytes of a beat fall in a range of frame offsets: the masks that pick the IPv4 header or the TCP
// segment out of a beat, whatever the alignment.
import { UInt, cat, clog2, lit, mux, type Sig } from '../../dsl/index.ts';

/**
 * An n-bit mask whose bit i is set when i < count. `count` is an unsigned bit pattern read as two's complement
 * (negative: no bits; n or more: every bit). The count is clamped first, so each bit compares only a few bits.
 */
export function thermometer(count: Sig, n: number): Sig {
  const w = count.width;
  const negative = count.bit(w - 1);
  const atLeastAll = negative.lnot().land(count.slice(w - 2, 0).ge(lit(n, UInt(w - 1))));
  const k = clog2(n + 1);
  const small = count.slice(k - 1, 0); // the count itself whenever 0 <= count < n
  const bits: Sig[] = [];
  for (let i = n - 1; i >= 0; i--) bits.push(small.gt(lit(i, UInt(k))));
  const ramp = cat(...bits);
  return mux(negative, lit(0, UInt(n)), mux(atLeastAll, lit((1n << BigInt(n)) - 1n, UInt(n)), ramp));
}

/**
 * The n-bit mask of the bytes of a beat whose frame offset (offset + i for byte i) lies in [start, end).
 * offset, start and end are unsigned; they are widened to a common width plus a sign bit.
 */
export function byteRange(offset: Sig, start: Sig, end: Sig, n: number): Sig {
  const w = Math.max(offset.width, start.width, end.width, clog2(n + 1)) + 1;
  const rel = (x: Sig) => x.zext(w).sub(offset.zext(w)); // x - offset, as a two's-complement pattern
  return thermometer(rel(end), n).and(thermometer(rel(start), n).not());
}
