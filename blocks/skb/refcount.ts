// Reference counts: get adds a reference, free drops one, and the last free returns the block to the free list.
// A two-stage read-modify-write pipeline on a block-RAM table of counts, one operation per cycle.
import { Bool, UInt, lit, mux, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { SkbGeometry, SkbParams } from './params.ts';
import { ERROR_BITS, SkbError } from './codes.ts';
import { below, oneHot } from './bits.ts';
import { table } from './table.ts';

export interface RefcountInputs {
  freeValid: Sig; freeId: Sig;
  getValid: Sig; getId: Sig;
  /** Per-block state registers: allocated, and "fresh" (allocated, count never written: it is 1). */
  allocated: Sig; fresh: Sig;
  /** Which blocks are queued once this cycle's queue operation has taken effect. */
  queuedNow: Sig;
  /** A metadata read of a block's count (reported the next cycle). */
  inspectBlock: Sig; inspectEnable: Sig;
}

/**
 * Stage 1 (accept): a get or a free (get wins when both are offered) reads the block's stored count.
 * Stage 2 (commit): the count in effect is 0 for a block that is not allocated, 1 for a fresh one, else the
 * stored count (bypassing last cycle's write, which the read did not see); the new count is written back.
 * Allocation never writes the table (it sets the fresh bit), so the table needs no initialisation.
 */
export function refcounts(m: ModuleBuilder, p: SkbParams, g: SkbGeometry, inp: RefcountInputs) {
  const counts = table(m, 'ref_counts', p.refBits, g.blocks, false);
  const acceptValid = inp.getValid.lor(inp.freeValid);
  const acceptGet = inp.getValid;
  const acceptId = mux(inp.getValid, inp.getId, inp.freeId);
  const storedCount = counts.read(acceptId.trunc(g.blockBits), acceptValid);

  const opValid = m.reg(Bool, { reset: false });
  const opGet = m.reg(Bool);
  const opId = m.reg(UInt(p.idBits));
  opValid.set(acceptValid);
  opGet.set(acceptGet);
  opId.set(acceptId);

  // The last write, for the read that was issued in the same cycle and missed it.
  const lastValid = m.reg(Bool, { reset: false });
  const lastBlock = m.reg(UInt(g.blockBits));
  const lastCount = m.reg(UInt(p.refBits));

  const block = opId.trunc(g.blockBits);
  const inRange = below(opId, g.blocks);
  const isAllocated = inp.allocated.bit(block);
  const stored = mux(lastValid.land(lastBlock.eq(block)), lastCount, storedCount);
  const current = mux(isAllocated, mux(inp.fresh.bit(block), lit(1, UInt(p.refBits)), stored), lit(0, UInt(p.refBits)));
  const lastRef = current.eq(1);
  const code = refError(opGet, inRange, isAllocated, current.eq(g.maxRefs), lastRef.land(inp.queuedNow.bit(block)));
  const ok = opValid.land(code.eq(SkbError.NONE));
  const newCount = mux(opGet, current.add(1), current.sub(1));
  const release = ok.land(opGet.lnot()).land(lastRef);

  counts.write(block, newCount, ok);
  lastValid.set(ok);
  lastBlock.set(block);
  lastCount.set(newCount);

  // A metadata read sees the count as of the end of its cycle: allocation state and fresh bits are read a cycle
  // later (they have settled by then), the stored count through the same bypass.
  const inspectStored = counts.read(inp.inspectBlock, inp.inspectEnable);
  const inspectAt = m.reg(UInt(g.blockBits));
  inspectAt.set(inp.inspectBlock);
  const inspectRaw = mux(lastValid.land(lastBlock.eq(inspectAt)), lastCount, inspectStored);
  const inspectCount = mux(inp.allocated.bit(inspectAt), mux(inp.fresh.bit(inspectAt), lit(1, UInt(p.refBits)), inspectRaw), lit(0, UInt(p.refBits)));

  return {
    freeReady: inp.getValid.lnot(),
    getReady: lit(1, Bool),
    release, releaseBlock: block,
    /** Blocks whose stored count was written this cycle (no longer fresh). */
    written: oneHot(block, g.blocks, ok),
    resp: { valid: opValid, get: opGet, id: opId, count: mux(ok, newCount, mux(inRange, current, lit(0, UInt(p.refBits)))), released: release, error: mux(opValid, code, lit(0, UInt(ERROR_BITS))) },
    inspectCount,
  };
}

/** The reason a get or free is refused, or NONE. */
function refError(get: Sig, inRange: Sig, allocated: Sig, atMax: Sig, freeingQueued: Sig): Sig {
  const code = (c: number) => lit(c, UInt(ERROR_BITS));
  return mux(inRange.lnot(), code(SkbError.ID_RANGE),
    mux(allocated.lnot(), mux(get, code(SkbError.NOT_ALLOCATED), code(SkbError.DOUBLE_FREE)),
      mux(get, mux(atMax, code(SkbError.REF_OVERFLOW), code(SkbError.NONE)),
        mux(freeingQueued, code(SkbError.FREE_QUEUED), code(SkbError.NONE)))));
}
