// Per-connection send and receive queues of blocks: singly linked lists through a next-pointer table, with
// head, tail and count per queue in a queue-state table (both block RAM). One operation per cycle, pipelined.
import { Bool, Struct, UInt, cat, lit, mux, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { SkbGeometry, SkbParams } from './params.ts';
import { ERROR_BITS, QueueOp, SkbError } from './codes.ts';
import { below, oneHot } from './bits.ts';
import { table } from './table.ts';

export interface QueueInputs {
  valid: Sig; op: Sig; conn: Sig; dir: Sig; id: Sig;
  /** Per-block state registers. */
  allocated: Sig; queued: Sig;
  /** A metadata read of a block's next pointer (reported the next cycle). */
  inspectBlock: Sig; inspectEnable: Sig;
}

export interface QueueState { head: Sig; tail: Sig; count: Sig }

const pickState = (c: Sig, a: QueueState, b: QueueState): QueueState =>
  ({ head: mux(c, a.head, b.head), tail: mux(c, a.tail, b.tail), count: mux(c, a.count, b.count) });

/**
 * Three stages, one operation accepted per cycle, the response in the third (two cycles after acceptance):
 *  1. accept: read the queue's state.
 *  2. the state in effect (bypassing the write committing this cycle and last cycle's, which the read missed);
 *     read the head's next pointer.
 *  3. commit: check, update the queue state and the next table, respond.
 * A queue whose state was never written is empty (a `live` bit per queue, so the table needs no initialisation
 * after reset). Back-to-back operations on one queue see each other's effects.
 */
export function queues(m: ModuleBuilder, p: SkbParams, g: SkbGeometry, inp: QueueInputs) {
  const stateBits = g.countBits + 2 * g.blockBits;
  const depth = 2 ** g.queueBits;
  const queueStates = table(m, 'queue_states', stateBits, depth, p.formal);
  const nextBlocks = table(m, 'next_blocks', g.blockBits, g.blocks, p.formal);
  const live = m.reg(UInt(depth), { reset: 0 });
  const unpack = (w: Sig): QueueState => ({
    head: w.slice(g.blockBits - 1, 0), tail: w.slice(2 * g.blockBits - 1, g.blockBits), count: w.slice(stateBits - 1, 2 * g.blockBits),
  });
  const empty: QueueState = { head: lit(0, UInt(g.blockBits)), tail: lit(0, UInt(g.blockBits)), count: lit(0, UInt(g.countBits)) };

  const op = { valid: Bool, op: UInt(2), conn: UInt(p.connBits), dir: Bool, id: UInt(p.idBits), queue: UInt(g.queueBits), connOk: Bool };

  // ---- Stage 1: accept.
  const acceptQueue = cat(inp.conn.trunc(g.connIndexBits), inp.dir);
  const storedState = queueStates.read(acceptQueue, inp.valid);
  const s2 = m.reg(Struct(op), { reset: { valid: false } });
  s2.valid.set(inp.valid);
  s2.op.set(inp.op);
  s2.conn.set(inp.conn);
  s2.dir.set(inp.dir);
  s2.id.set(inp.id);
  s2.queue.set(acceptQueue);
  s2.connOk.set(below(inp.conn, p.connections));

  // ---- Stage 3's registers (declared here: stage 2 bypasses stage 3's commit).
  const s3 = m.reg(Struct(op), { reset: { valid: false } });
  const s3State = m.reg(Struct({ head: UInt(g.blockBits), tail: UInt(g.blockBits), count: UInt(g.countBits) }));
  const lastState = m.reg(Struct({ valid: Bool, queue: UInt(g.queueBits), head: UInt(g.blockBits), tail: UInt(g.blockBits), count: UInt(g.countBits) }), { reset: { valid: false } });
  const lastNext = m.reg(Struct({ valid: Bool, block: UInt(g.blockBits), next: UInt(g.blockBits) }), { reset: { valid: false } });

  // ---- Stage 3: commit.
  const st: QueueState = s3State;
  const storedNext = m.wire(UInt(g.blockBits));
  const headNext = mux(lastNext.valid.land(lastNext.block.eq(st.head)), lastNext.next, storedNext);
  const idBlock = s3.id.trunc(g.blockBits);
  const wasEmpty = st.count.eq(0);
  const isEnqueue = s3.op.eq(QueueOp.ENQUEUE);
  const isDequeue = s3.op.eq(QueueOp.DEQUEUE);
  const code = queueError(s3.op, s3.connOk, below(s3.id, g.blocks), inp.allocated.bit(idBlock), inp.queued.bit(idBlock));
  const ok = s3.valid.land(code.eq(SkbError.NONE));
  const enqueue = ok.land(isEnqueue);
  const dequeue = ok.land(isDequeue).land(wasEmpty.lnot());
  const enqueued: QueueState = { head: mux(wasEmpty, idBlock, st.head), tail: idBlock, count: st.count.add(1) };
  const dequeued: QueueState = { head: headNext, tail: st.tail, count: st.count.sub(1) };
  const after = pickState(enqueue, enqueued, pickState(dequeue, dequeued, st));
  const writeState = enqueue.lor(dequeue);
  const linkTail = enqueue.land(wasEmpty.lnot());
  queueStates.write(s3.queue, cat(after.count, after.tail, after.head), writeState);
  nextBlocks.write(st.tail, idBlock, linkTail);
  when(writeState, () => live.set(live.or(oneHot(s3.queue, depth, writeState))));
  lastState.valid.set(writeState);
  lastState.queue.set(s3.queue);
  lastState.head.set(after.head);
  lastState.tail.set(after.tail);
  lastState.count.set(after.count);
  lastNext.valid.set(linkTail);
  lastNext.block.set(st.tail);
  lastNext.next.set(idBlock);

  // ---- Stage 2: the state in effect, then the head's next pointer.
  const hitLast = lastState.valid.land(lastState.queue.eq(s2.queue));
  const beforeCommit = pickState(hitLast, lastState, pickState(live.bit(s2.queue), unpack(storedState), empty));
  const s2State = pickState(writeState.land(s3.queue.eq(s2.queue)), after, beforeCommit);
  storedNext.set(nextBlocks.read(s2State.head, s2.valid));
  s3.valid.set(s2.valid);
  s3.op.set(s2.op);
  s3.conn.set(s2.conn);
  s3.dir.set(s2.dir);
  s3.id.set(s2.id);
  s3.queue.set(s2.queue);
  s3.connOk.set(s2.connOk);
  s3State.head.set(s2State.head);
  s3State.tail.set(s2State.tail);
  s3State.count.set(s2State.count);

  // A metadata read sees the next pointer as of the end of its cycle (bypassing that cycle's write).
  const inspectStored = nextBlocks.read(inp.inspectBlock, inp.inspectEnable);
  const inspectAt = m.reg(UInt(g.blockBits));
  inspectAt.set(inp.inspectBlock);
  const inspectNext = mux(lastNext.valid.land(lastNext.block.eq(inspectAt)), lastNext.next, inspectStored);

  const respId = mux(isEnqueue, s3.id, mux(s3.connOk.land(wasEmpty.lnot()), st.head.zext(p.idBits), lit(0, UInt(p.idBits))));
  return {
    /** Queued-bit updates of this cycle's commit. */
    enqueuedBits: oneHot(idBlock, g.blocks, enqueue),
    dequeuedBits: oneHot(st.head, g.blocks, dequeue),
    resp: {
      valid: s3.valid, op: s3.op, conn: s3.conn, dir: s3.dir, id: respId,
      empty: s3.connOk.land(wasEmpty), count: mux(s3.connOk, after.count, lit(0, UInt(g.countBits))),
      error: mux(s3.valid, code, lit(0, UInt(ERROR_BITS))),
    },
    inspectNext,
    /** For the invariant checker. */
    state: {
      queueWords: queueStates.words, nextWords: nextBlocks.words, live, unpack,
      s2: { valid: s2.valid, queue: s2.queue, connOk: s2.connOk, state: beforeCommit },
      s3: { valid: s3.valid, queue: s3.queue, connOk: s3.connOk, state: st, headNext },
      commit: { enqueue, dequeue, queue: s3.queue, block: idBlock },
    },
  };
}

/** The reason a queue operation is refused, or NONE (dequeue and peek of an empty queue are not errors). */
function queueError(op: Sig, connOk: Sig, idInRange: Sig, allocated: Sig, queued: Sig): Sig {
  const code = (c: number) => lit(c, UInt(ERROR_BITS));
  const enqueueCode = mux(idInRange.lnot(), code(SkbError.ID_RANGE),
    mux(allocated.lnot(), code(SkbError.NOT_ALLOCATED), mux(queued, code(SkbError.ALREADY_QUEUED), code(SkbError.NONE))));
  return mux(op.eq(3), code(SkbError.BAD_OP), mux(connOk.lnot(), code(SkbError.BAD_CONN),
    mux(op.eq(QueueOp.ENQUEUE), enqueueCode, code(SkbError.NONE))));
}
