// The blocks' shared synchronous FIFO: a show-ahead queue on one block (or LUT) RAM, and a helper that queues
// a record of named fields through it.
import { defineModule, input, output, Bool, UInt, Stream, when, clog2, cat, type ModuleBuilder, type Sig, type SigLike } from '../../dsl/index.ts';

export interface FifoParams {
  /** Bits per entry. */
  width: number;
  /** Capacity in entries: a power of two >= 2. */
  depth: number;
}

/**
 * in_* pushes (in_tready is low while full); out_* presents the oldest entry and out_tready pops it. The RAM's
 * synchronous read port is the output register: an entry reaches out_tvalid two cycles after its push, and one
 * push and one pop per cycle are sustained. `count` counts every entry held, the output register's included, so
 * a producer that must never be refused can compare it with the depth ahead of time.
 */
export const Fifo = defineModule('fifo', (m, p: FifoParams) => {
  if (!Number.isInteger(p.depth) || p.depth < 2 || (p.depth & (p.depth - 1)) !== 0) {
    throw new Error(`fifo: depth must be a power of two >= 2, got ${p.depth}`);
  }
  if (!Number.isInteger(p.width) || p.width < 1) throw new Error(`fifo: width must be a positive integer, got ${p.width}`);
  const entry = Stream(p.width, { keep: false, last: false });
  const io = m.io({ in: input(entry), out: output(entry), count: output(UInt(clog2(p.depth + 1))) });
  const ram = m.memory(p.width, p.depth);
  const writeAt = m.reg(UInt(clog2(p.depth)), { reset: 0 });
  const readAt = m.reg(UInt(clog2(p.depth)), { reset: 0 });
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
}, { width: 8, depth: 16 } as FifoParams);

/** A FIFO of records: named fields of fixed widths, packed into one Fifo entry. */
export interface Queue<K extends string> {
  /** Offers a record (drive once, at the top level of the module body). */
  push(valid: SigLike, values: Record<K, Sig>): void;
  /** Pops the head when `ready` (and the head is valid). */
  pop(ready: SigLike): void;
  readonly canPush: Sig;
  readonly valid: Sig;
  readonly head: Record<K, Sig>;
  /** Entries held. */
  readonly count: Sig;
  readonly depth: number;
}

export function queue<K extends string>(m: ModuleBuilder, name: string, widths: Record<K, number>, depth: number): Queue<K> {
  const keys = Object.keys(widths) as K[];
  const total = keys.reduce((s, k) => s + widths[k], 0);
  const f = m.instance(Fifo, { width: total, depth }, { name });
  const head = {} as Record<K, Sig>;
  let lo = total;
  for (const k of keys) { // the first field is the most significant
    lo -= widths[k];
    head[k] = f.out.tdata.slice(lo + widths[k] - 1, lo);
  }
  return {
    push(valid, values) {
      for (const k of keys) {
        if (values[k].width !== widths[k]) throw new Error(`queue ${name}: field ${k} is ${widths[k]} bits, got ${values[k].width}`);
      }
      f.in.tvalid.set(valid);
      f.in.tdata.set(cat(...keys.map((k) => values[k])));
    },
    pop(ready) { f.out.tready.set(ready); },
    canPush: f.in.tready, valid: f.out.tvalid, head, count: f.count, depth,
  };
}
