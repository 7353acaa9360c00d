// Occupancy, exhaustion and error accounting. Every output here is a register: it shows the cycle's events
// one cycle later.
import { Bool, UInt, lit, mux, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { SkbGeometry } from './params.ts';
import { ERROR_BITS } from './codes.ts';
import { countOnes } from './bits.ts';

export const COUNTER_BITS = 32;

export interface StatsInputs {
  allocValid: Sig; allocFire: Sig; release: Sig;
  /** This cycle's error codes (0 = none), highest priority first. */
  errors: Sig[];
}

/**
 * - freeCount: blocks not allocated; freeLow: its lowest value since reset (blocks - freeLow is the most ever in use).
 * - An allocation request while no block is free is refused (alloc_ready low) and, on the first cycle of such a
 *   wait, raises nomem_event and counts an allocation failure: the requester may hold alloc_valid and wait.
 * - errEvent/errCode: some operation was refused this cycle (the code of the highest-priority one);
 *   errCount counts every refused operation.
 */
export function stats(m: ModuleBuilder, g: SkbGeometry, inp: StatsInputs) {
  const freeCount = m.reg(UInt(g.countBits), { reset: g.blocks });
  const freeLow = m.reg(UInt(g.countBits), { reset: g.blocks });
  const refusedBefore = m.reg(Bool, { reset: false });
  const nomemEvent = m.reg(Bool, { reset: false });
  const allocFailCount = m.reg(UInt(COUNTER_BITS), { reset: 0 });
  const errEvent = m.reg(Bool, { reset: false });
  const errCode = m.reg(UInt(ERROR_BITS), { reset: 0 });
  const errCount = m.reg(UInt(COUNTER_BITS), { reset: 0 });

  const nomem = freeCount.eq(0);
  const freeNext = freeCount.sub(inp.allocFire.zext(g.countBits)).add(inp.release.zext(g.countBits));
  freeCount.set(freeNext);
  when(freeNext.lt(freeLow), () => freeLow.set(freeNext));

  const refused = inp.allocValid.land(nomem);
  const newFailure = refused.land(refusedBefore.lnot());
  refusedBefore.set(refused);
  nomemEvent.set(newFailure);
  when(newFailure, () => allocFailCount.set(allocFailCount.add(1)));

  const failed = inp.errors.map((c) => c.ne(0));
  const first = inp.errors.reduceRight((later, c) => mux(c.ne(0), c, later), lit(0, UInt(ERROR_BITS)));
  errEvent.set(failed.reduce((a, b) => a.lor(b)));
  errCode.set(first);
  errCount.set(errCount.add(countOnes(failed, 3).zext(COUNTER_BITS)));

  return { freeCount, freeLow, nomem, nomemEvent, allocFailCount, errEvent, errCode, errCount };
}
