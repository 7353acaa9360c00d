// Per-block metadata in a block RAM: payload length, sequence number and payload partial checksum, written
// field by field (a byte-masked write) and read one cycle later.
import { Bool, UInt, cat, mux, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { SkbGeometry } from './params.ts';
import { below } from './bits.ts';

export interface MetaInputs {
  wrValid: Sig; wrId: Sig; wrFields: Sig; wrLen: Sig; wrSeq: Sig; wrCsum: Sig;
  rdValid: Sig; rdId: Sig;
}

/** Field-enable bits of meta_wr_fields. */
export const MetaField = { LEN: 1, SEQ: 2, CSUM: 4 } as const;

/**
 * A word is {csum[63:48], seq[47:16], len[15:0]}, so each field is whole bytes and a field enable is a byte
 * mask. A read returns the fields as of the end of its cycle: a write to the same block in the same cycle
 * (which the RAM's read-before-write port misses) is bypassed into the result.
 */
export function metadata(m: ModuleBuilder, g: SkbGeometry, inp: MetaInputs) {
  const words = m.memory(64, g.blocks, { name: 'meta_words' });
  const wrBlock = inp.wrId.trunc(g.blockBits);
  const wrOk = below(inp.wrId, g.blocks);
  const wrWord = cat(inp.wrCsum, inp.wrSeq, inp.wrLen);
  const wrMask = cat(inp.wrFields.bit(2).rep(2), inp.wrFields.bit(1).rep(4), inp.wrFields.bit(0).rep(2));
  words.write(wrBlock, wrWord, { enable: inp.wrValid.land(wrOk), mask: wrMask });

  const rdBlock = inp.rdId.trunc(g.blockBits);
  const stored = words.read(rdBlock, { enable: inp.rdValid });
  // The same-cycle write to the read block, remembered for the bypass.
  const bypassMask = m.reg(UInt(8), { reset: 0 });
  const bypassWord = m.reg(UInt(64));
  bypassMask.set(mux(inp.wrValid.land(wrOk).land(wrBlock.eq(rdBlock)), wrMask, 0));
  bypassWord.set(wrWord);
  const bitMask = cat(...Array.from({ length: 8 }, (_, i) => bypassMask.bit(7 - i).rep(8)));
  const word = bypassWord.and(bitMask).or(stored.and(bitMask.not()));

  const rdError = inp.rdValid.land(below(inp.rdId, g.blocks).lnot());
  const respValid = m.reg(Bool, { reset: false });
  const respId = m.reg(UInt(inp.rdId.width));
  const respError = m.reg(Bool, { reset: false });
  respValid.set(inp.rdValid);
  respId.set(inp.rdId);
  respError.set(rdError);
  return {
    wrError: inp.wrValid.land(wrOk.lnot()),
    rdError,
    resp: { valid: respValid, id: respId, error: respError, len: word.slice(15, 0), seq: word.slice(47, 16), csum: word.slice(63, 48) },
    /** The block a read asked for, as seen in the response cycle. */
    respBlock: respId.trunc(g.blockBits),
  };
}
