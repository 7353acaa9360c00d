// The on-NIC buffer memory: blocks of beats in one block RAM, a write port (from RX/DMA) with byte enables
// and a read port (to TX/DMA), both addressed by (block, beat offset), one beat per cycle each.
import { Bool, cat, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { SkbGeometry, SkbParams } from './params.ts';
import { below } from './bits.ts';

export interface DataInputs {
  wrValid: Sig; wrBlock: Sig; wrOffset: Sig; wrData: Sig; wrKeep: Sig;
  rdValid: Sig; rdBlock: Sig; rdOffset: Sig;
}

/** A read returns the beat one cycle later; a same-cycle write to that beat is not seen (read-before-write). */
export function dataBuffer(m: ModuleBuilder, p: SkbParams, g: SkbGeometry, inp: DataInputs) {
  const beats = m.memory(p.width, g.blocks * g.beatsPerBlock, { name: 'buffer_beats' });
  const wrOk = below(inp.wrBlock, g.blocks);
  beats.write(cat(inp.wrBlock.trunc(g.blockBits), inp.wrOffset), inp.wrData, { enable: inp.wrValid.land(wrOk), mask: inp.wrKeep });
  const rdError = inp.rdValid.land(below(inp.rdBlock, g.blocks).lnot());
  const data = beats.read(cat(inp.rdBlock.trunc(g.blockBits), inp.rdOffset), { enable: inp.rdValid });
  const respValid = m.reg(Bool, { reset: false });
  const respError = m.reg(Bool, { reset: false });
  respValid.set(inp.rdValid);
  respError.set(rdError);
  return { wrError: inp.wrValid.land(wrOk.lnot()), rdError, resp: { valid: respValid, data, error: respError } };
}
