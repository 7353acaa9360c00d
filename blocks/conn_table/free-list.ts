// The free list of connection indices: "counter first, then a FIFO of freed ids" (as in the skb manager). After
// reset the counter hands out 0..conns-1, so nothing is initialised; deleted indices queue in a RAM FIFO and are
// handed out once the counter is spent. Only the firmware engine uses it, one operation at a time.
import { UInt, mux, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { Geometry } from './params.ts';

export interface FreeList {
  /** An index can be allocated. */
  available: Sig;
  /** The index the next allocation gets (valid while available; the FIFO head is read a cycle ahead). */
  next: Sig;
  /** Takes `next` (never in the same cycle as a push). */
  pop(enable: Sig): void;
  push(index: Sig, enable: Sig): void;
}

export function freeList(m: ModuleBuilder, g: Geometry): FreeList {
  const issued = m.reg(UInt(g.countBits), { reset: 0 }); // indices below this have been handed out by the counter
  const freed = m.memory(g.idxBits, Math.max(2, g.conns), { name: 'freed_ids' });
  const pushAt = m.reg(UInt(g.idxBits), { reset: 0 });
  const popAt = m.reg(UInt(g.idxBits), { reset: 0 });
  const queued = m.reg(UInt(g.countBits), { reset: 0 });
  const bump = (p: Sig) => (g.conns === 1 << g.idxBits ? p.add(1) : mux(p.eq(g.conns - 1), 0, p.add(1)));

  const counterLeft = issued.lt(g.conns);
  // The head is read every cycle; an operation uses it at least a cycle after the last push or pop.
  const head = freed.read(popAt);
  return {
    available: counterLeft.lor(queued.ne(0)),
    next: mux(counterLeft, issued.trunc(g.idxBits), head),
    pop(enable) {
      when(enable.land(counterLeft), () => issued.set(issued.add(1)));
      when(enable.land(counterLeft.lnot()), () => { popAt.set(bump(popAt)); queued.set(queued.sub(1)); });
    },
    push(index, enable) {
      freed.write(pushAt, index, { enable });
      when(enable, () => { pushAt.set(bump(pushAt)); queued.set(queued.add(1)); });
    },
  };
}
