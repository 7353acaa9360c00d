import { defineModule, input, output, Bool, UInt, Stream, when, mux, clog2, type Sig } from '../dsl/index.ts';

export interface SyncFifoParams {
  /** Data bits per entry. */
  width: number;
  /** Capacity in entries (>= 2; any value, a power of two is cheapest). */
  depth: number;
}

/** ptr + 1, wrapping to 0 after depth - 1 (the wrap is free for a power-of-two depth). */
export function wrapIncrement(ptr: Sig, depth: number): Sig {
  const bumped = ptr.add(1);
  if ((depth & (depth - 1)) === 0) return bumped;
  return mux(ptr.eq(depth - 1), 0, bumped);
}

/**
 * A synchronous FIFO on a block RAM, with AXI4-Stream (valid/ready) ports and show-ahead (first-word-fall-through)
 * output: the head entry is presented on out_tdata with out_tvalid high, and out_tready pops it.
 *
 * The memory's synchronous read port is the output register: whenever the RAM holds an entry and the output
 * register is empty or being popped, the head is read into it (read enable = that condition), so the RAM and its
 * output register map onto one BRAM with its read-enable. A pushed word reaches out_tvalid two cycles after
 * the push; the FIFO sustains one push and one pop per cycle.
 *
 * `count` counts every stored entry, including one still on its way from the RAM to the output register;
 * `full` is count == depth (in_tready is its complement), `empty` is count == 0.
 */
export const SyncFifo = defineModule('sync_fifo', (m, p: SyncFifoParams) => {
  if (!Number.isInteger(p.depth) || p.depth < 2) throw new Error(`sync_fifo: depth must be an integer >= 2, got ${p.depth}`);
  const beat = Stream(p.width, { keep: false, last: false });
  const io = m.io({
    in: input(beat),
    out: output(beat),
    count: output(UInt(clog2(p.depth + 1))),
    full: output(Bool),
    empty: output(Bool),
  });
  const addrBits = clog2(p.depth);
  const ram = m.memory(p.width, p.depth);
  const wrPtr = m.reg(UInt(addrBits), { reset: 0 });
  const rdPtr = m.reg(UInt(addrBits), { reset: 0 });
  const occupancy = m.reg(UInt(clog2(p.depth + 1)), { reset: 0 });
  const outValid = m.reg(Bool, { reset: false });

  // At most depth - 1 entries are ever in the RAM (the output register holds one whenever the RAM holds any
  // for more than a cycle), so equal pointers can only mean an empty RAM.
  const ramEmpty = wrPtr.eq(rdPtr);
  const isFull = occupancy.eq(p.depth);
  const push = io.in.tvalid.land(isFull.lnot());
  const pop = outValid.land(io.out.tready);
  const fetch = ramEmpty.lnot().land(outValid.lnot().lor(io.out.tready));

  ram.write(wrPtr, io.in.tdata, { enable: push });
  const head = ram.read(rdPtr, { enable: fetch });

  when(push, () => wrPtr.set(wrapIncrement(wrPtr, p.depth)));
  when(fetch, () => rdPtr.set(wrapIncrement(rdPtr, p.depth)));
  outValid.set(fetch.lor(outValid.land(io.out.tready.lnot())));
  when(push.land(pop.lnot()), () => occupancy.set(occupancy.add(1)))
    .elseWhen(pop.land(push.lnot()), () => occupancy.set(occupancy.sub(1)));

  io.in.tready.set(isFull.lnot());
  io.out.tdata.set(head);
  io.out.tvalid.set(outValid);
  io.count.set(occupancy);
  io.full.set(isFull);
  io.empty.set(occupancy.eq(0));
  return io;
}, { width: 8, depth: 16 } as SyncFifoParams);
