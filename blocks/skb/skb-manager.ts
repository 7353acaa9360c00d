// The skb manager: on-NIC buffer memory in fixed-size blocks with a hardware free list, reference counts,
// per-block metadata and per-connection send/receive queues (the paper's tcp_alloc_skb ① and __kfree_skb ⑦
// moved to hardware).
import { defineModule, input, output, Bool, UInt, lit, mux, type Sig } from '../../dsl/index.ts';
import { skbDefaults, skbGeometry, type SkbParams } from './params.ts';
import { ERROR_BITS, SkbError } from './codes.ts';
import { oneHot } from './bits.ts';
import { freeList } from './free-list.ts';
import { refcounts } from './refcount.ts';
import { queues } from './queues.ts';
import { metadata } from './metadata.ts';
import { dataBuffer } from './data-buffer.ts';
import { stats, COUNTER_BITS } from './stats.ts';
import { invariants } from './invariants.ts';

/**
 * Ports (valid/ready handshakes; a response port has no ready: its consumer must take it):
 * - alloc_*: alloc_valid asks for a block; alloc_ready says one is available and alloc_id names it (a transfer
 *   when both are high). Its reference count starts at 1. The counter's never-used blocks go first, then freed
 *   blocks in the order they were freed.
 * - free_* / get_*: drop / add a reference; one of them per cycle (get wins: free_ready is low while get_valid).
 *   The last free returns the block to the free list. ref_resp_* reports the outcome.
 * - q_*: a queue operation (q_op: 0 enqueue q_id, 1 dequeue, 2 peek) on connection q_conn's send (q_dir 0) or
 *   receive (1) queue; q_resp_* reports the block dequeued or at the head, the count after, whether the queue was
 *   empty. Dequeuing an empty queue is not an error (q_resp_empty).
 * - meta_wr_*: writes the fields selected by meta_wr_fields (1 len, 2 seq, 4 csum) of a block's metadata.
 *   meta_rd_* reads it, with the block's reference count (0 = free), whether it is queued, and its next pointer
 *   (meaningful for a queued block that is not its queue's tail).
 * - wr_* / rd_*: one beat of buffer memory at (block, beat offset); wr_keep enables bytes.
 * - free_count, free_low, nomem, nomem_event, alloc_fail_count, err_event, err_code, err_count: see stats.ts.
 * Refused operations (bad ids, double free, ...: codes.ts) change nothing, are reported on their response port
 * and are counted.
 *
 * Timing (every port accepts one operation per cycle; "cycle t" is the cycle a request is accepted):
 * - alloc: the handshake itself, combinational from registers (alloc_id is valid with alloc_ready).
 * - free/get: commit and ref_resp_* in cycle t+1. A released block can be allocated from cycle t+3.
 * - queue: commit and q_resp_* in cycle t+2. Operations on one queue in consecutive cycles see each other.
 * - meta write: takes effect at the end of cycle t. meta read: meta_resp_* in cycle t+1, as of the end of cycle t
 *   (including that cycle's writes and commits).
 * - data write: at the end of cycle t. data read: rd_resp_* in cycle t+1, without a same-cycle write to that beat.
 * - status outputs: registered, they show cycle t's events in cycle t+1.
 * Within a cycle, commits take effect in this order: the queue commit, the reference commit, the allocation.
 */
export const SkbManager = defineModule('skb_manager', (m, p: SkbParams) => {
  const g = skbGeometry(p);
  const id = UInt(p.idBits);
  const code = UInt(ERROR_BITS);
  const io = m.io({
    alloc: { valid: input(Bool), ready: output(Bool), id: output(id) },
    free: { valid: input(Bool), ready: output(Bool), id: input(id) },
    get: { valid: input(Bool), ready: output(Bool), id: input(id) },
    ref_resp: { valid: output(Bool), get: output(Bool), id: output(id), count: output(UInt(p.refBits)), released: output(Bool), error: output(code) },
    q: { valid: input(Bool), ready: output(Bool), op: input(UInt(2)), conn: input(UInt(p.connBits)), dir: input(Bool), id: input(id) },
    q_resp: {
      valid: output(Bool), op: output(UInt(2)), conn: output(UInt(p.connBits)), dir: output(Bool), id: output(id),
      empty: output(Bool), count: output(UInt(g.countBits)), error: output(code),
    },
    meta_wr: { valid: input(Bool), id: input(id), fields: input(UInt(3)), len: input(UInt(16)), seq: input(UInt(32)), csum: input(UInt(16)) },
    meta_rd: { valid: input(Bool), id: input(id) },
    meta_resp: {
      valid: output(Bool), id: output(id), error: output(Bool), len: output(UInt(16)), seq: output(UInt(32)), csum: output(UInt(16)),
      refcount: output(UInt(p.refBits)), queued: output(Bool), next: output(id),
    },
    wr: { valid: input(Bool), block: input(id), offset: input(UInt(g.offsetBits)), data: input(UInt(p.width)), keep: input(UInt(p.width / 8)) },
    rd: { valid: input(Bool), block: input(id), offset: input(UInt(g.offsetBits)) },
    rd_resp: { valid: output(Bool), data: output(UInt(p.width)), error: output(Bool) },
    free_count: output(UInt(g.countBits)),
    free_low: output(UInt(g.countBits)),
    nomem: output(Bool),
    nomem_event: output(Bool),
    alloc_fail_count: output(UInt(COUNTER_BITS)),
    err_event: output(Bool),
    err_code: output(code),
    err_count: output(UInt(COUNTER_BITS)),
    ...(p.formal ? { inv_free_list_ok: output(Bool), inv_queues_ok: output(Bool) } : {}),
  });

  // Per-block state bits. fresh: allocated and its stored reference count not yet written (it is 1).
  const allocated = m.reg(UInt(g.blocks), { reset: 0 });
  const fresh = m.reg(UInt(g.blocks), { reset: 0 });
  const queued = m.reg(UInt(g.blocks), { reset: 0 });

  const metaRdBlock = io.meta_rd.id.trunc(g.blockBits);
  const queue = queues(m, p, g, {
    valid: io.q.valid, op: io.q.op, conn: io.q.conn, dir: io.q.dir, id: io.q.id,
    allocated, queued, inspectBlock: metaRdBlock, inspectEnable: io.meta_rd.valid,
  });
  const queuedNow = queued.or(queue.enqueuedBits).and(queue.dequeuedBits.not());
  const refs = refcounts(m, p, g, {
    freeValid: io.free.valid, freeId: io.free.id, getValid: io.get.valid, getId: io.get.id,
    allocated, fresh, queuedNow, inspectBlock: metaRdBlock, inspectEnable: io.meta_rd.valid,
  });
  const free = freeList(m, g, p.formal, { allocValid: io.alloc.valid, release: refs.release, releaseBlock: refs.releaseBlock });
  const meta = metadata(m, g, {
    wrValid: io.meta_wr.valid, wrId: io.meta_wr.id, wrFields: io.meta_wr.fields, wrLen: io.meta_wr.len, wrSeq: io.meta_wr.seq, wrCsum: io.meta_wr.csum,
    rdValid: io.meta_rd.valid, rdId: io.meta_rd.id,
  });
  const data = dataBuffer(m, p, g, {
    wrValid: io.wr.valid, wrBlock: io.wr.block, wrOffset: io.wr.offset, wrData: io.wr.data, wrKeep: io.wr.keep,
    rdValid: io.rd.valid, rdBlock: io.rd.block, rdOffset: io.rd.offset,
  });

  const allocatedBits = oneHot(free.allocBlock, g.blocks, free.allocFire);
  const releasedBits = oneHot(refs.releaseBlock, g.blocks, refs.release);
  allocated.set(allocated.or(allocatedBits).and(releasedBits.not()));
  fresh.set(fresh.or(allocatedBits).and(refs.written.not()));
  queued.set(queuedNow);

  const rangeError = (failed: Sig) => mux(failed, lit(SkbError.ID_RANGE, code), lit(SkbError.NONE, code));
  const counters = stats(m, g, {
    allocValid: io.alloc.valid, allocFire: free.allocFire, release: refs.release,
    errors: [queue.resp.error, refs.resp.error, rangeError(meta.wrError), rangeError(meta.rdError), rangeError(data.wrError), rangeError(data.rdError)],
  });

  io.alloc.ready.set(free.allocReady);
  io.alloc.id.set(free.allocBlock.zext(p.idBits));
  io.free.ready.set(refs.freeReady);
  io.get.ready.set(refs.getReady);
  io.ref_resp.valid.set(refs.resp.valid);
  io.ref_resp.get.set(refs.resp.get);
  io.ref_resp.id.set(refs.resp.id);
  io.ref_resp.count.set(refs.resp.count);
  io.ref_resp.released.set(refs.resp.released);
  io.ref_resp.error.set(refs.resp.error);
  io.q.ready.set(true);
  io.q_resp.valid.set(queue.resp.valid);
  io.q_resp.op.set(queue.resp.op);
  io.q_resp.conn.set(queue.resp.conn);
  io.q_resp.dir.set(queue.resp.dir);
  io.q_resp.id.set(queue.resp.id);
  io.q_resp.empty.set(queue.resp.empty);
  io.q_resp.count.set(queue.resp.count);
  io.q_resp.error.set(queue.resp.error);
  io.meta_resp.valid.set(meta.resp.valid);
  io.meta_resp.id.set(meta.resp.id);
  io.meta_resp.error.set(meta.resp.error);
  io.meta_resp.len.set(meta.resp.len);
  io.meta_resp.seq.set(meta.resp.seq);
  io.meta_resp.csum.set(meta.resp.csum);
  io.meta_resp.refcount.set(refs.inspectCount);
  io.meta_resp.queued.set(queued.bit(meta.respBlock));
  io.meta_resp.next.set(queue.inspectNext.zext(p.idBits));
  io.rd_resp.valid.set(data.resp.valid);
  io.rd_resp.data.set(data.resp.data);
  io.rd_resp.error.set(data.resp.error);
  io.free_count.set(counters.freeCount);
  io.free_low.set(counters.freeLow);
  io.nomem.set(counters.nomem);
  io.nomem_event.set(counters.nomemEvent);
  io.alloc_fail_count.set(counters.allocFailCount);
  io.err_event.set(counters.errEvent);
  io.err_code.set(counters.errCode);
  io.err_count.set(counters.errCount);

  if (p.formal) {
    const ok = invariants(m, g, { allocated, queued, freeCount: counters.freeCount, freeLow: counters.freeLow, free, queue, refs });
    const checks = io as unknown as { inv_free_list_ok: typeof io.alloc.ready; inv_queues_ok: typeof io.alloc.ready };
    checks.inv_free_list_ok.set(ok.freeList);
    checks.inv_queues_ok.set(ok.queues);
  }
  return io;
}, skbDefaults);
