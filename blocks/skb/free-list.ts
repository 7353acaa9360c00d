// The hardware free list: "counter first, then a FIFO of freed ids". After reset a counter hands out
// 0..blocks-1, so nothing is initialised; freed ids queue in a RAM FIFO and are handed out once the counter is
// spent. One allocation and one release per cycle.
import { Bool, UInt, mux, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { SkbGeometry } from './params.ts';
import { table } from './table.ts';

export interface FreeListInputs {
  /** alloc_valid: a block is wanted this cycle. */
  allocValid: Sig;
  /** A block whose last reference went this cycle, and its index. */
  release: Sig;
  releaseBlock: Sig;
}

/**
 * The FIFO's RAM read port is its output register (`head`), as in a show-ahead FIFO: a released id can be
 * handed out from the second cycle after its release. Released ids never exceed the blocks allocated, so the
 * FIFO (depth = blocks) cannot overflow, and while the head register holds an id the RAM holds at most
 * blocks - 1: equal pointers mean empty.
 */
export function freeList(m: ModuleBuilder, g: SkbGeometry, registers: boolean, inp: FreeListInputs) {
  const issued = m.reg(UInt(g.countBits), { reset: 0 }); // ids below this have been handed out by the counter
  const freedIds = table(m, 'freed_ids', g.blockBits, g.blocks, registers);
  const pushAt = m.reg(UInt(g.countBits), { reset: 0 });
  const popAt = m.reg(UInt(g.countBits), { reset: 0 });
  const headValid = m.reg(Bool, { reset: false });

  const counterLeft = issued.bit(g.blockBits).lnot(); // issued < blocks
  const allocReady = counterLeft.lor(headValid);
  const allocFire = inp.allocValid.land(allocReady);
  const pop = allocFire.land(counterLeft.lnot());
  const ramEmpty = pushAt.eq(popAt);
  const fetch = ramEmpty.lnot().land(headValid.lnot().lor(pop));

  freedIds.write(pushAt.trunc(g.blockBits), inp.releaseBlock, inp.release);
  const head = freedIds.read(popAt.trunc(g.blockBits), fetch);
  const allocBlock = mux(counterLeft, issued.trunc(g.blockBits), head);

  when(allocFire.land(counterLeft), () => issued.set(issued.add(1)));
  when(inp.release, () => pushAt.set(pushAt.add(1)));
  when(fetch, () => popAt.set(popAt.add(1)));
  headValid.set(fetch.lor(headValid.land(pop.lnot())));

  return {
    allocReady, allocFire, allocBlock,
    /** For the invariant checker. */
    state: { issued, words: freedIds.words, pushAt, popAt, headValid, head },
  };
}
