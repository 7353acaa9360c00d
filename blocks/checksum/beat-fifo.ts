// A synchronous show-ahead FIFO on a block RAM, for the TX inserter's frame buffer and its queue of results.
import { defineModule, input, output, Bool, UInt, Stream, when, mux, clog2, type Sig } from '../../dsl/index.ts';

export interface BeatFifoParams {
  /** Bits per entry. */
  width: number;
  /** Entries; a power of two >= 2. */
  depth: number;
}

/** ptr + 1 modulo a power-of-two depth (the natural wrap of the pointer's width). */
const bump = (ptr: Sig) => ptr.add(1);

/**
 * Entries go in on `push` (valid/ready) and come out on `pop` with first-word-fall-through: the head entry waits
 * on pop_tdata with pop_tvalid high until pop_tready takes it. The RAM's synchronous read port is the head
 * register: it is read whenever the RAM holds an entry and the head is empty or being taken, so an entry pushed
 * into an empty FIFO is at the head two cycles later. One push and one pop per cycle. `count` counts every
 * stored entry, the head included.
 */
export const BeatFifo = defineModule('beat_fifo', (m, p: BeatFifoParams) => {
  if (!Number.isInteger(p.depth) || p.depth < 2 || (p.depth & (p.depth - 1)) !== 0) {
    throw new Error(`beat_fifo: depth must be a power of two >= 2, got ${p.depth}`);
  }
  const entry = Stream(p.width, { keep: false, last: false });
  const io = m.io({ push: input(entry), pop: output(entry), count: output(UInt(clog2(p.depth + 1))) });
  const addrBits = clog2(p.depth);
  const ram = m.memory(p.width, p.depth);
  const writePtr = m.reg(UInt(addrBits), { reset: 0 });
  const readPtr = m.reg(UInt(addrBits), { reset: 0 });
  const stored = m.reg(UInt(clog2(p.depth + 1)), { reset: 0 });
  const headValid = m.reg(Bool, { reset: false });

  // The head register holds one entry whenever the RAM has held one for a cycle, so at most depth - 1 are ever
  // in the RAM and equal pointers mean an empty RAM.
  const ramEmpty = writePtr.eq(readPtr);
  const full = stored.eq(p.depth);
  const pushing = io.push.tvalid.land(full.lnot());
  const popping = headValid.land(io.pop.tready);
  const fetch = ramEmpty.lnot().land(headValid.lnot().lor(io.pop.tready));

  ram.write(writePtr, io.push.tdata, { enable: pushing });
  const head = ram.read(readPtr, { enable: fetch });
  when(pushing, () => writePtr.set(bump(writePtr)));
  when(fetch, () => readPtr.set(bump(readPtr)));
  headValid.set(fetch.lor(headValid.land(io.pop.tready.lnot())));
  stored.set(mux(pushing.land(popping.lnot()), stored.add(1), mux(popping.land(pushing.lnot()), stored.sub(1), stored)));

  io.push.tready.set(full.lnot());
  io.pop.tdata.set(head);
  io.pop.tvalid.set(headValid);
  io.count.set(stored);
  return io;
}, { width: 8, depth: 16 } as BeatFifoParams);
