// Small combinational helpers over bit vectors and arrays of signals.
import { UInt, lit, mux, type Sig } from '../../dsl/index.ts';

/** An n-bit vector with bit `index` set, or all zeros when `enable` is low. */
export function oneHot(index: Sig, n: number, enable: Sig): Sig {
  return mux(enable, lit(1, UInt(n)).shl(index), lit(0, UInt(n)));
}

/** words[index] as a mux tree on the index bits (indices past the end read the last word). */
export function select(words: readonly Sig[], index: Sig): Sig {
  let level = [...words];
  for (let b = 0; level.length > 1 && b < index.width; b++) {
    const next: Sig[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mux(index.bit(b), level[i + 1]!, level[i]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

/** id < limit, for an unsigned id port that may be wider than needed (constant true when every value fits). */
export function below(id: Sig, limit: number): Sig {
  return 2 ** id.width <= limit ? lit(1, UInt(1)) : id.lt(limit);
}

/** The number of set bits among `bits` (each a Bool), as UInt(width). */
export function countOnes(bits: readonly Sig[], width: number): Sig {
  let sum = lit(0, UInt(width));
  for (const b of bits) sum = sum.add(b.zext(width));
  return sum;
}
