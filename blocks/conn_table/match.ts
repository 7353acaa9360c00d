// Matching a tuple against a set of slots (bucket ways and stash entries): at most one slot holds a given tuple
// (inserts refuse duplicates), so the index of the match is the OR of every matching slot's index.
import { Bool, UInt, lit, mux, type Sig } from '../../dsl/index.ts';
import type { Slot } from './bank.ts';

export interface Match { hit: Sig; index: Sig }

export function matchSlots(slots: readonly Slot[], key: Sig, idxBits: number): Match {
  let hit = lit(false, Bool);
  let index = lit(0, UInt(idxBits));
  for (const s of slots) {
    const m = s.valid.land(s.tuple.eq(key));
    hit = hit.lor(m);
    index = index.or(mux(m, s.index, lit(0, UInt(idxBits))));
  }
  return { hit, index };
}

/** The position of the lowest set bit among `bits` (UInt(width)), and whether any is set. */
export function lowestSet(bits: readonly Sig[], width: number): { any: Sig; pos: Sig } {
  let pos = lit(0, UInt(width));
  let any = lit(false, Bool);
  for (let i = bits.length - 1; i >= 0; i--) {
    pos = mux(bits[i]!, lit(i, UInt(width)), pos);
    any = any.lor(bits[i]!);
  }
  return { any, pos };
}

/** How many of `bits` are set, as UInt(width). */
export function countSet(bits: readonly Sig[], width: number): Sig {
  let n = lit(0, UInt(width));
  for (const b of bits) n = n.add(b.zext(width));
  return n;
}
