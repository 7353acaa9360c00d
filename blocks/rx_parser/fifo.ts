// A RAM-backed show-ahead FIFO for the RX parser's internal queues (frame beats, route decisions, metadata).
import { defineModule, input, output, Bool, UInt, Stream, when, clog2 } from '../../dsl/index.ts';

export interface RxFifoParams {
  /** Bits per entry. */
  width: number;
  /** Capacity in entries: a power of two >= 2. */
  depth: number;
}

/**
 * in_* pushes (in_tready is low while full), out_* presents the oldest entry (out_tready pops it). The RAM's
 * synchronous read port is the output register: an entry reaches out_tvalid two cycles after its push, and
 * one push and one pop per cycle are sustained. `count` counts every entry held, the output register included,
 * so a producer that must not be refused can compare it against the depth ahead of time.
 */
export const RxFifo = defineModule('rx_parser_fifo', (m, p: RxFifoParams) => {
  if (!Number.isInteger(p.depth) || p.depth < 2 || (p.depth & (p.depth - 1)) !== 0) {
    throw new Error(`rx_parser_fifo: depth must be a power of two >= 2, got ${p.depth}`);
  }
  const entry = Stream(p.width, { keep: false, last: false });
  const io = m.io({ in: input(entry), out: output(entry), count: output(UInt(clog2(p.depth + 1))) });
  const addrBits = clog2(p.depth);
  const ram = m.memory(p.width, p.depth);
  const writeAt = m.reg(UInt(addrBits), { reset: 0 });
  const readAt = m.reg(UInt(addrBits), { reset: 0 });
  const held = m.reg(UInt(clog2(p.depth + 1)), { reset: 0 });
  const headValid = m.reg(Bool, { reset: false });

  // While the output register holds an entry the RAM holds at most depth - 1, so equal pointers mean empty.
  const ramEmpty = writeAt.eq(readAt);
  const full = held.eq(p.depth);
  const push = io.in.tvalid.land(full.lnot());
  const pop = headValid.land(io.out.tready);
  const fetch = ramEmpty.lnot().land(headValid.lnot().lor(io.out.tready));

  ram.write(writeAt, io.in.tdata, { enable: push });
  const head = ram.read(readAt, { enable: fetch });
  when(push, () => writeAt.set(writeAt.add(1)));
  when(fetch, () => readAt.set(readAt.add(1)));
  headValid.set(fetch.lor(headValid.land(io.out.tready.lnot())));
  when(push.land(pop.lnot()), () => held.set(held.add(1)))
    .elseWhen(pop.land(push.lnot()), () => held.set(held.sub(1)));

  io.in.tready.set(full.lnot());
  io.out.tvalid.set(headValid);
  io.out.tdata.set(head);
  io.count.set(held);
  return io;
}, { width: 8, depth: 16 } as RxFifoParams);
