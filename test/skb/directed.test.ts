// Directed cases: exhaustion and the wait for memory, 1 + 1 alloc/free per cycle, operation latencies,
// back-to-back queue operations on one queue, and refused bad input. Every cycle is checked against the model.
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { QueueOp, SkbError } from '../../blocks/skb/codes.ts';
import { SkbHarness, smallConfig } from './driver.ts';

const { ENQUEUE, DEQUEUE, PEEK } = QueueOp;

describe.each(simBackends())('skb_manager directed (%s)', async (backend) => {
  const first = await SkbHarness.create(smallConfig, backend);
  afterAll(() => first.sim.close());
  const blocks = first.model.blocks;

  it('hands out 0..N-1 from the counter after reset, then refuses with nomem: one event and one failure per wait', () => {
    const h = first.restart();
    const ids: number[] = [];
    for (let i = 0; i < blocks; i++) ids.push(h.cycle({ alloc: true }).allocId!);
    expect(ids).toEqual([...Array(blocks).keys()]);
    expect(h.allocs).toBe(blocks);
    // Held for 10 cycles with nothing free: alloc_ready low, one nomem_event, one failure.
    let events = 0;
    for (let i = 0; i < 10; i++) {
      const out = h.cycle({ alloc: true });
      expect(out.allocReady).toBe(false);
      if (out.nomemEvent) events++;
    }
    expect(events).toBe(1);
    expect(h.cycle({ alloc: true }).allocFailCount).toBe(1);
    expect(h.model.allocatedBlocks().length).toBe(blocks);
    // A free while the requester waits: the block comes back three cycles after the free was offered.
    h.cycle({ alloc: true, free: 5 }); // free accepted (cycle t)
    const waits: boolean[] = [];
    for (let i = 0; i < 3; i++) waits.push(h.cycle({ alloc: true }).allocReady);
    expect(waits).toEqual([false, false, true]);
    expect(h.model.refs[5]).toBe(1); // handed out again
    expect(h.cycle({}).allocFailCount).toBe(1); // still one failure: the wait was not broken
    const low = h.cycle({});
    expect(low.freeLow).toBe(0);
    expect(low.errCount).toBe(0);
  });

  it('sustains one allocation and one free every cycle (counter and FIFO phases)', () => {
    const h = first.restart();
    const held: number[] = [];
    for (let i = 0; i < 4; i++) held.push(h.cycle({ alloc: true }).allocId!);
    const cycles = 2000;
    const a0 = h.allocs, f0 = h.frees;
    for (let i = 0; i < cycles; i++) {
      const out = h.cycle({ alloc: true, free: held[0] });
      expect(out.allocReady && out.freeReady).toBe(true);
      held.shift();
      held.push(out.allocId!);
    }
    const rate = { alloc: (h.allocs - a0) / cycles, free: (h.frees - f0) / cycles };
    console.log(`${backend}: ${cycles} cycles of alloc + free: ${rate.alloc} allocations and ${rate.free} frees per cycle`);
    expect(rate).toEqual({ alloc: 1, free: 1 });
    h.freeEverythingAndCheck();
  });

  it('a get keeps a block from being freed; the last free releases it; gets win over frees', () => {
    const h = first.restart();
    const b = h.cycle({ alloc: true }).allocId!;
    h.cycle({ get: b });
    expect(h.cycle({ free: b }).refResp).toMatchObject({ get: true, count: 2, error: 0 });
    expect(h.cycle({}).refResp).toMatchObject({ get: false, count: 1, released: false });
    const both = h.cycle({ get: b, free: b });
    expect(both.freeReady).toBe(false); // the get went first; the free must be offered again
    expect(h.cycle({ free: b }).refResp).toMatchObject({ get: true, count: 2 });
    expect(h.cycle({ free: b }).refResp).toMatchObject({ count: 1, released: false });
    expect(h.cycle({ free: b }).refResp).toMatchObject({ count: 0, released: true, error: 0 });
    expect(h.cycle({}).refResp).toMatchObject({ error: SkbError.DOUBLE_FREE });
    expect(h.cycle({}).freeCount).toBe(blocks);
  });

  it('queue operations back to back on one queue, with responses two cycles after acceptance', () => {
    const h = first.restart();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(h.cycle({ alloc: true }).allocId!);
    const q = (op: number, id = 0) => ({ q: { op, conn: 3, dir: 1, id } });
    const resps = [];
    // enqueue 3, dequeue, enqueue, dequeue x3, peek, dequeue (empty): one per cycle.
    const ops = [q(ENQUEUE, ids[0]), q(ENQUEUE, ids[1]), q(ENQUEUE, ids[2]), q(DEQUEUE), q(ENQUEUE, ids[3]), q(DEQUEUE), q(DEQUEUE), q(DEQUEUE), q(PEEK), q(DEQUEUE)];
    for (const op of [...ops, {}, {}]) {
      const out = h.cycle(op);
      if (out.qResp) resps.push(out.qResp);
    }
    expect(resps.map((r) => [r.op, r.id, r.count, r.empty])).toEqual([
      [ENQUEUE, ids[0], 1, true], [ENQUEUE, ids[1], 2, false], [ENQUEUE, ids[2], 3, false], [DEQUEUE, ids[0], 2, false],
      [ENQUEUE, ids[3], 3, false], [DEQUEUE, ids[1], 2, false], [DEQUEUE, ids[2], 1, false], [DEQUEUE, ids[3], 0, false],
      [PEEK, 0, 0, true], [DEQUEUE, 0, 0, true],
    ]);
    expect(resps.every((r) => r.error === 0)).toBe(true);
  });

  it('refuses bad input without touching the free list or the queues, counting each refusal', () => {
    const h = first.restart();
    const a = h.cycle({ alloc: true }).allocId!;
    const bad = [
      { free: blocks + 3 }, { free: 9 }, { get: 10 }, { q: { op: ENQUEUE, conn: 4, dir: 0, id: a } }, { q: { op: ENQUEUE, conn: 0, dir: 0, id: blocks } },
      { q: { op: ENQUEUE, conn: 0, dir: 0, id: 11 } }, { q: { op: 3, conn: 0, dir: 0, id: a } }, { metaRd: blocks + 1 }, { rd: { block: 63, offset: 0 } },
      { wr: { block: blocks, offset: 0, data: 1n, keep: 0xff } }, { metaWr: { id: 40, fields: 7, len: 1, seq: 2, csum: 3 } },
    ];
    for (const op of bad) h.cycle(op);
    h.cycle({ q: { op: ENQUEUE, conn: 0, dir: 0, id: a } });
    h.cycle({ q: { op: ENQUEUE, conn: 1, dir: 0, id: a } }); // already queued
    h.cycle({ free: a }); // last reference of a queued block
    h.drain();
    const out = h.cycle({});
    expect(out.errCount).toBe(bad.length + 2);
    expect(out.freeCount).toBe(blocks - 1);
    expect(h.model.queues[0]).toEqual([a]);
    h.freeEverythingAndCheck();
  });
});
