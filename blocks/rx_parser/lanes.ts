// Byte-lane helpers for a beat of B bytes (byte i in bits 8i+7..8i).
import { UInt, clog2, lit, mux, type Sig } from '../../dsl/index.ts';

/** The bytes of a beat, lane 0 first. */
export function byteLanes(data: Sig): Sig[] {
  return Array.from({ length: data.width / 8 }, (_, i) => data.slice(8 * i + 7, 8 * i));
}

/** Bits of a lane count 0..B. */
export const laneCountBits = (lanes: number): number => clog2(lanes + 1);

/** A lane mask with lanes 0..n-1 set (n in 0..lanes). */
export function lanesBelow(n: Sig, lanes: number): Sig {
  return lit((1n << BigInt(lanes)) - 1n, UInt(lanes)).shl(n).not();
}

/** How many of a beat's lanes lie below frame byte `limit` when the beat starts at frame byte `base`: 0..lanes. */
export function lanesBefore(limit: Sig, base: Sig, lanes: number): Sig {
  const bits = laneCountBits(lanes);
  const ahead = limit.sub(base);
  const inBeat = mux(ahead.ge(lanes), lit(lanes, UInt(bits)), ahead.trunc(bits));
  return mux(limit.gt(base), inBeat, lit(0, UInt(bits)));
}

/** The number of set bits. */
export function popCount(x: Sig): Sig {
  const bits = laneCountBits(x.width);
  let terms = Array.from({ length: x.width }, (_, i) => x.bit(i).zext(bits));
  while (terms.length > 1) {
    const next: Sig[] = [];
    for (let i = 0; i < terms.length; i += 2) next.push(i + 1 < terms.length ? terms[i]!.add(terms[i + 1]!) : terms[i]!);
    terms = next;
  }
  return terms[0]!;
}

/** n + step, held at the all-ones value instead of wrapping. */
export function saturatingAdd(n: Sig, step: Sig): Sig {
  const sum = n.addWide(step.zext(n.width));
  return mux(sum.bit(n.width), lit((1n << BigInt(n.width)) - 1n, UInt(n.width)), sum.trunc(n.width));
}
