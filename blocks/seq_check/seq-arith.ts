// Sequence-number comparisons modulo 2^32 (RFC 9293 §3.4) as DSL helpers. Every comparison is the sign of
// the 32-bit difference read as a signed number, never an unsigned compare of the raw values, so it stays
// right across the wrap from 2^32 - 1 to 0. Meaningful while the two numbers are less than 2^31 apart.
import { HdlError, type Sig } from '../../dsl/index.ts';

function check32(a: Sig, b: Sig): void {
  for (const x of [a, b]) {
    if (x.width !== 32 || x.signed) throw new HdlError('width', `sequence arithmetic needs UInt(32) operands, got ${x.type}`, undefined);
  }
}

/** a - b as a signed distance, SInt(32): negative when a comes before b. */
export function seqDiff(a: Sig, b: Sig): Sig {
  check32(a, b);
  return a.sub(b).asSInt();
}

/** a < b in sequence space. */
export const seqLt = (a: Sig, b: Sig): Sig => seqDiff(a, b).lt(0);
/** a <= b in sequence space. */
export const seqLeq = (a: Sig, b: Sig): Sig => seqDiff(a, b).le(0);
/** a > b in sequence space. */
export const seqGt = (a: Sig, b: Sig): Sig => seqDiff(a, b).gt(0);
/** a >= b in sequence space. */
export const seqGeq = (a: Sig, b: Sig): Sig => seqDiff(a, b).ge(0);
