// A hash bank's word: `ways` slots side by side, each a whole number of bytes so an insert or delete writes one
// slot with the memory's byte enables (no read-modify-write). Slot bits: [0] valid, [96:1] tuple, above: index.
import { UInt, cat, lit, type Sig } from '../../dsl/index.ts';
import { TUPLE_BITS } from './tcb.ts';
import type { Geometry } from './params.ts';

export interface Slot { valid: Sig; tuple: Sig; index: Sig }

export function slotBytes(g: Geometry): number { return Math.ceil((1 + TUPLE_BITS + g.idxBits) / 8); }
export function bankWidth(g: Geometry): number { return g.ways * slotBytes(g) * 8; }

/** The ways of a bank word. */
export function unpackBank(g: Geometry, word: Sig): Slot[] {
  const sb = slotBytes(g) * 8;
  return Array.from({ length: g.ways }, (_, w) => {
    const s = word.slice(w * sb + sb - 1, w * sb);
    return { valid: s.bit(0), tuple: s.slice(TUPLE_BITS, 1), index: s.slice(TUPLE_BITS + g.idxBits, TUPLE_BITS + 1) };
  });
}

/** One slot's bits, replicated into every way's position (the byte enables pick the way). */
export function slotWord(g: Geometry, valid: Sig, tuple: Sig, index: Sig): Sig {
  const pad = slotBytes(g) * 8 - (1 + TUPLE_BITS + g.idxBits);
  const parts = pad > 0 ? [lit(0, UInt(pad)), index, tuple, valid] : [index, tuple, valid];
  const slot = cat(...parts);
  return g.ways === 1 ? slot : slot.rep(g.ways);
}

/** Byte enables selecting way `way` (UInt(wayBits)) of a bank word. */
export function wayEnables(g: Geometry, way: Sig): Sig {
  const sb = slotBytes(g);
  const bits: Sig[] = [];
  for (let w = g.ways - 1; w >= 0; w--) {
    const sel = way.eq(w);
    bits.push(sb === 1 ? sel : sel.rep(sb));
  }
  return cat(...bits);
}
