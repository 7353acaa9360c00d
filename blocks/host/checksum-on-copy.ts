// Checksum on copy: the 16-bit ones'-complement sum of the bytes a DMA transfer moves, one beat per cycle.
import { mux, type Sig } from '../../dsl/index.ts';
import { beatBytes, foldOnes16, onesAdd16, onesSumBytes } from '../checksum/ones-sum.ts';

/**
 * The running sum after this beat: the bytes of `data` whose `strb` bit is set, byte 0 at an odd offset of the
 * transfer when `oddStart` (the destination's start address is odd, so its beats' even bytes are low halves).
 */
export function checksumStep(acc: Sig, data: Sig, strb: Sig, oddStart: Sig, first: Sig): Sig {
  const beatSum = foldOnes16(onesSumBytes(beatBytes(data), strb, oddStart));
  return mux(first, beatSum, onesAdd16(acc, beatSum));
}
