// The skb manager's structural invariants, for the formal build (tables in registers): what the k-induction
// proof (test/skb/formal.test.ts) shows always holds, and what random simulation checks every cycle.
import { UInt, Vec, lit, mux, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { SkbGeometry } from './params.ts';
import { below, countOnes, select } from './bits.ts';
import type { freeList } from './free-list.ts';
import type { queues, QueueState } from './queues.ts';
import type { refcounts } from './refcount.ts';

export interface InvariantInputs {
  allocated: Sig; queued: Sig; freeCount: Sig; freeLow: Sig;
  free: ReturnType<typeof freeList>;
  queue: ReturnType<typeof queues>;
  refs: ReturnType<typeof refcounts>;
}

const all = (xs: Sig[]) => xs.reduce((a, b) => a.land(b));
const any = (xs: Sig[]) => xs.reduce((a, b) => a.lor(b));

/**
 * The free list's invariants (`freeList`):
 * 1. Every block is in exactly one place: not yet issued by the counter, in the free FIFO (RAM or head
 *    register, once), or allocated. So no block is handed out twice and none is lost.
 * 2. The free count is the number of blocks not allocated; the low-water mark is not above it.
 * 3. A queued block is allocated.
 * 4. (Immediate) an allocation hands out a block that is not allocated; a release frees an allocated block that
 *    no queue holds.
 * The queues' invariants (`queues`), stated with ghost registers (this build only) holding each queued block's
 * queue and position, so that every fact is local (no walk along the list):
 * 5. A queued block's position is below its queue's count; position 0 is the head, count - 1 the tail, and
 *    otherwise its next pointer names the queued block at the next position of the same queue. Positions in a
 *    queue are distinct and every position below the count is taken: each queue is a list of exactly count
 *    distinct blocks from head to tail, the lists are disjoint, and they hold exactly the queued blocks.
 * 6. The pipeline's views are current: a queue operation in flight holds its queue's present state, and the
 *    commit stage's next pointer is the head's present next pointer.
 * Each set holds by induction on its own, so each can be proven separately.
 */
export function invariants(m: ModuleBuilder, g: SkbGeometry, inp: InvariantInputs): { freeList: Sig; queues: Sig } {
  const { free, queue } = inp;
  const fs = free.state, qs = queue.state;
  if (!fs.words || !qs.queueWords || !qs.nextWords) throw new Error('skb_manager: invariants need register tables (formal: true)');
  const n = g.blocks;
  const wide = g.countBits + 2;
  const queued = (b: number) => inp.queued.bit(b);

  // ---- The free list.
  const freeChecks: Sig[] = [];
  const issued = fs.issued;
  const inRam = fs.pushAt.sub(fs.popAt);
  const slotValid = fs.words.map((_, i) => lit(i, UInt(g.blockBits)).sub(fs.popAt.trunc(g.blockBits)).zext(g.countBits).lt(inRam));
  const allocatedCount = countOnes(Array.from({ length: n }, (_, b) => inp.allocated.bit(b)), wide);
  freeChecks.push(issued.le(n));
  freeChecks.push(inRam.zext(wide).add(fs.headValid.zext(wide)).add(lit(n, UInt(wide)).sub(issued.zext(wide))).add(allocatedCount).eq(n));
  for (let b = 0; b < n; b++) {
    const places = [
      lit(b, UInt(g.countBits)).ge(issued),
      ...fs.words.map((w, i) => slotValid[i]!.land(w.eq(b))),
      fs.headValid.land(fs.head.eq(b)),
      inp.allocated.bit(b),
    ];
    freeChecks.push(countOnes(places, wide).eq(1));
  }
  freeChecks.push(inp.freeCount.zext(wide).add(allocatedCount).eq(n));
  freeChecks.push(inp.freeLow.le(inp.freeCount));
  freeChecks.push(inp.queued.and(inp.allocated.not()).eq(0));
  freeChecks.push(free.allocFire.lnot().lor(inp.allocated.bit(free.allocBlock).lnot()));
  const queuedNow = inp.queued.or(queue.enqueuedBits).and(queue.dequeuedBits.not());
  freeChecks.push(inp.refs.release.lnot().lor(inp.allocated.bit(inp.refs.releaseBlock).land(queuedNow.bit(inp.refs.releaseBlock).lnot())));

  // ---- The queues. Ghosts: each block's queue and position, set by its enqueue, moved up by its queue's dequeues.
  const owner = m.reg(Vec(UInt(g.queueBits), n), { name: 'ghost_queue' });
  const position = m.reg(Vec(UInt(g.blockBits), n), { name: 'ghost_position' });
  const c = qs.commit;
  for (let b = 0; b < n; b++) {
    when(c.enqueue.land(c.block.eq(b)), () => {
      owner[b]!.set(c.queue);
      position[b]!.set(qs.s3.state.count.trunc(g.blockBits));
    }).elseWhen(c.dequeue.land(owner[b]!.eq(c.queue)).land(queued(b)), () => position[b]!.set(position[b]!.sub(1)));
  }

  const stateOf = (q: number): QueueState => {
    const st = qs.unpack(qs.queueWords![q]!);
    return { head: st.head, tail: st.tail, count: mux(qs.live.bit(q), st.count, lit(0, UInt(g.countBits))) };
  };
  const states = Array.from({ length: g.queues }, (_, q) => stateOf(q));
  const current = (index: Sig): QueueState => ({
    head: select(states.map((s) => s.head), index), tail: select(states.map((s) => s.tail), index), count: select(states.map((s) => s.count), index),
  });
  const queueChecks: Sig[] = [];
  for (const st of states) queueChecks.push(st.count.le(n));
  for (let b = 0; b < n; b++) {
    const st = current(owner[b]!);
    const pos = position[b]!.zext(g.countBits);
    const next = qs.nextWords[b]!;
    const nextQueued = inp.queued.bit(next);
    const nextFollows = nextQueued.land(select(owner, next).eq(owner[b]!)).land(select(position, next).eq(position[b]!.add(1)));
    queueChecks.push(queued(b).lnot().lor(all([
      below(owner[b]!, g.queues),
      pos.lt(st.count),
      pos.ne(0).lor(st.head.eq(b)),
      pos.add(1).ne(st.count).lor(st.tail.eq(b)),
      pos.add(1).ge(st.count).lor(nextFollows),
    ])));
    for (let d = b + 1; d < n; d++) {
      queueChecks.push(all([queued(b), queued(d), owner[b]!.eq(owner[d]!), position[b]!.eq(position[d]!)]).lnot());
    }
  }
  states.forEach((st, q) => {
    for (let i = 0; i < n; i++) {
      const taken = any(Array.from({ length: n }, (_, b) => all([queued(b), owner[b]!.eq(q), position[b]!.eq(i)])));
      queueChecks.push(st.count.gt(i).lnot().lor(taken));
    }
  });
  const same = (a: QueueState, b: QueueState) => a.count.eq(b.count).land(a.count.eq(0).lor(a.head.eq(b.head).land(a.tail.eq(b.tail))));
  queueChecks.push(qs.s2.valid.land(qs.s2.connOk).lnot().lor(same(qs.s2.state, current(qs.s2.queue))));
  queueChecks.push(qs.s3.valid.land(qs.s3.connOk).lnot().lor(same(qs.s3.state, current(qs.s3.queue))));
  queueChecks.push(qs.s3.valid.land(qs.s3.connOk).land(qs.s3.state.count.ne(0)).lnot().lor(qs.s3.headNext.eq(select(qs.nextWords, qs.s3.state.head))));
  return { freeList: all(freeChecks), queues: all(queueChecks) };
}
