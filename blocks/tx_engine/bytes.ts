// Byte-lane helpers of the tx_engine's datapath.
import { UInt, cat, lit, type Sig } from '../../dsl/index.ts';
import { sumTree } from '../ack_tx/header-sum.ts';

/** The low `n` bits set (n = 0..lanes): the keep of n bytes from lane 0. */
export function byteMask(n: Sig, lanes: number): Sig {
  return lit(1, UInt(lanes + 1)).shl(n).sub(1).trunc(lanes);
}

/** A byte mask widened to a bit mask (each keep bit covers its byte lane). */
export function expandKeep(keep: Sig, lanes: number): Sig {
  return cat(...Array.from({ length: lanes }, (_, i) => keep.bit(lanes - 1 - i).rep(8)));
}

/** The number of set bits, `width` bits wide. */
export function popcount(x: Sig, width: number): Sig {
  return sumTree(Array.from({ length: x.width }, (_, i) => x.bit(i).zext(width))).trunc(width);
}

/**
 * The exact sum of a beat's 16-bit big-endian words (lane 2j is word j's high byte): a beat of a payload that
 * starts at lane 0 of a beat-aligned stream, so every beat's words line up with the payload's.
 */
export function sumWords(beat: Sig): Sig {
  const lanes = beat.width / 8;
  const byteAt = (i: number) => beat.slice(8 * i + 7, 8 * i);
  return sumTree(Array.from({ length: lanes / 2 }, (_, j) => cat(byteAt(2 * j), byteAt(2 * j + 1))));
}
