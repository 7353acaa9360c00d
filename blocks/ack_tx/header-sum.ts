// Ones'-complement arithmetic for the fixed-size headers: an adder tree over 16-bit terms, end-around folding.
import { UInt, lit, type Sig } from '../../dsl/index.ts';

/** The exact sum of unsigned terms, as wide as it needs to be (a balanced tree of growing adders). */
export function sumTree(terms: Sig[]): Sig {
  if (terms.length === 0) throw new Error('sumTree: no terms');
  let level = terms;
  while (level.length > 1) {
    const next: Sig[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const a = level[i]!, b = level[i + 1]!;
      const w = Math.max(a.width, b.width);
      next.push(a.zext(w).addWide(b.zext(w)));
    }
    if (level.length % 2) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** Folds a sum to 16 bits with end-around carries (enough folds for its width). */
export function fold16(sum: Sig): Sig {
  let s = sum;
  while (s.width > 16) {
    const hi = s.slice(s.width - 1, 16);
    const w = Math.max(16, hi.width) + 1;
    s = s.slice(15, 0).zext(w).add(hi.zext(w));
    // A 17-bit result needs one more fold; it can never carry again after that (0xffff + 1 = 0x10000 -> 0x0001).
    if (s.width === 17) { s = s.slice(15, 0).add(s.bit(16).zext(16)); break; }
  }
  return s.width < 16 ? s.zext(16) : s;
}

/** A signal's 16-bit big-endian words (the first word is the most significant); width a multiple of 16. */
export function words16(x: Sig): Sig[] {
  if (x.width % 16 !== 0) throw new Error(`words16: width ${x.width} is not a multiple of 16`);
  return Array.from({ length: x.width / 16 }, (_, i) => x.slice(x.width - 1 - 16 * i, x.width - 16 - 16 * i));
}

/** A 16-bit constant term. */
export const word = (v: number): Sig => lit(v, UInt(16));
