// A small register FIFO for the RX parser's per-frame decisions: an entry is visible the cycle after its push.
import { defineModule, input, output, UInt, Vec, Stream, when, mux, clog2, type Sig } from '../../dsl/index.ts';

export interface RxQueueParams {
  /** Bits per entry. */
  width: number;
  /** Capacity in entries: a power of two >= 2. */
  depth: number;
}

/**
 * in_* pushes (in_tready is low while full), out_* presents the oldest entry (out_tready pops it); a push
 * and a pop may happen in the same cycle. `count` is the number of entries held.
 */
export const RxQueue = defineModule('rx_parser_queue', (m, p: RxQueueParams) => {
  if (!Number.isInteger(p.depth) || p.depth < 2 || (p.depth & (p.depth - 1)) !== 0) {
    throw new Error(`rx_parser_queue: depth must be a power of two >= 2, got ${p.depth}`);
  }
  const entry = Stream(p.width, { keep: false, last: false });
  const io = m.io({ in: input(entry), out: output(entry), count: output(UInt(clog2(p.depth + 1))) });
  const addrBits = clog2(p.depth);
  const slots = m.reg(Vec(UInt(p.width), p.depth));
  const writeAt = m.reg(UInt(addrBits), { reset: 0 });
  const readAt = m.reg(UInt(addrBits), { reset: 0 });
  const held = m.reg(UInt(clog2(p.depth + 1)), { reset: 0 });

  const full = held.eq(p.depth);
  const push = io.in.tvalid.land(full.lnot());
  const pop = held.ne(0).land(io.out.tready);
  for (let i = 0; i < p.depth; i++) when(push.land(writeAt.eq(i)), () => slots[i]!.set(io.in.tdata));
  when(push, () => writeAt.set(writeAt.add(1)));
  when(pop, () => readAt.set(readAt.add(1)));
  when(push.land(pop.lnot()), () => held.set(held.add(1)))
    .elseWhen(pop.land(push.lnot()), () => held.set(held.sub(1)));

  let head: Sig = slots[0]!;
  for (let i = 1; i < p.depth; i++) head = mux(readAt.eq(i), slots[i]!, head);
  io.in.tready.set(full.lnot());
  io.out.tvalid.set(held.ne(0));
  io.out.tdata.set(head);
  io.count.set(held);
  return io;
}, { width: 8, depth: 8 } as RxQueueParams);
