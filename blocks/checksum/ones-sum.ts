// The Internet checksum's arithmetic in hardware (RFC 1071), for every block that sums packet bytes: the RX
// verifier, the TX inserter, the ACK generator, the DMA engine's checksum-on-copy.
//
// Bytes are added as plain integers in a tree of widening adders, and the sum is folded to the 16-bit
// ones'-complement sum once, at the end. The integer sum and the ones'-complement sum are congruent modulo
// 0xffff, so folding at the end gives what an end-around carry at every addition would, with ordinary adders
// (and carry chains) everywhere else.
import { UInt, cat, lit, mux, type Sig } from '../../dsl/index.ts';

/** The bytes of a beat: byte i is data[8i+7:8i] (AXI4-Stream order). */
export function beatBytes(data: Sig): Sig[] {
  if (data.width % 8 !== 0) throw new Error(`beatBytes: ${data.width} bits is not a whole number of bytes`);
  return Array.from({ length: data.width / 8 }, (_, i) => data.slice(8 * i + 7, 8 * i));
}

/** The exact sum of unsigned values, as a balanced tree of adders that each grow by one bit. */
export function sumTree(xs: Sig[]): Sig {
  if (xs.length === 0) return lit(0, UInt(1));
  let level = xs;
  while (level.length > 1) {
    const next: Sig[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(level[i]!.addWide(level[i + 1]!));
    if (level.length % 2) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/**
 * The sum of `bytes` read as big-endian 16-bit words, as an exact integer (fold it with foldOnes16). Bytes whose
 * `mask` bit is clear count as zero. Byte i is the high half of its word when its position in the summed data is
 * even: with `oddStart` (a constant or a signal) byte 0 sits at an odd position, so it is a low half.
 *
 * The even-position and odd-position bytes are added separately (two trees of 8-bit values) and combined as
 * 256 * high + low, so a dynamic odd start costs one mux, not a second tree.
 */
export function onesSumBytes(bytes: Sig[], mask: Sig, oddStart: Sig | boolean = false): Sig {
  if (mask.width !== bytes.length) throw new Error(`onesSumBytes: ${bytes.length} bytes but a ${mask.width}-bit mask`);
  const kept = bytes.map((b, i) => b.and(mask.bit(i).rep(8)));
  const evens = sumTree(kept.filter((_, i) => i % 2 === 0));
  const odds = sumTree(kept.filter((_, i) => i % 2 === 1));
  const combine = (high: Sig, low: Sig) => cat(high, lit(0, UInt(8))).addWide(low);
  if (oddStart === false) return combine(evens, odds);
  if (oddStart === true) return combine(odds, evens);
  const asEven = combine(evens, odds);
  const asOdd = combine(odds, evens);
  const w = Math.max(asEven.width, asOdd.width);
  return mux(oddStart, asOdd.zext(w), asEven.zext(w));
}

/**
 * Folds an unsigned integer sum to its 16-bit ones'-complement sum by end-around carries. A sum of zero stays
 * zero; any other sum gives 1..0xffff (0xffff for a nonzero multiple of 0xffff, as RFC 1071 adders do).
 */
export function foldOnes16(sum: Sig): Sig {
  let folded = sum;
  let max = (1n << BigInt(folded.width)) - 1n; // the largest value it can hold, to stop as soon as it fits
  while (max > 0xffffn) {
    const carries = folded.slice(folded.width - 1, 16);
    // The largest low + high over values up to max: max itself when its low half is 0xffff, else the value
    // just below its high half's last step (high - 1, low 0xffff).
    const top = max >> 16n;
    max = (max & 0xffffn) === 0xffffn ? top + 0xffffn : top + 0xfffen;
    folded = folded.slice(15, 0).addWide(carries);
    if (max <= 0xffffn) return folded.trunc(16);
  }
  return folded.zext(16);
}

/** a + b in 16-bit ones'-complement arithmetic. */
export function onesAdd16(a: Sig, b: Sig): Sig {
  return foldOnes16(a.addWide(b));
}

/** A 16-bit sum with its bytes swapped: the sum of the same data paired from the other byte (RFC 1071 §2(B)). */
export function swapBytes16(x: Sig): Sig {
  return cat(x.slice(7, 0), x.slice(15, 8));
}

/** The checksum field value for an integer sum of the covered words (the field itself counted as zero). */
export function checksumField(sum: Sig): Sig {
  return foldOnes16(sum).not();
}

/** True when an integer sum over data that includes its checksum field verifies (folds to 0xffff). */
export function checksumVerifies(sum: Sig): Sig {
  return foldOnes16(sum).eq(0xffff);
}
