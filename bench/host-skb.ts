// The skb manager's rates for `toe bench host`: allocations and frees per cycle (both offered every cycle, in the
// free list's counter phase and in its FIFO phase), and queue operations per cycle.
import { simulate } from '../sim/harness.ts';
import { SkbManager } from '../blocks/skb/skb-manager.ts';
import { skbDefaults, skbGeometry } from '../blocks/skb/params.ts';

export interface SkbRates { blocks: number; counterPhase: { alloc: number; free: number }; fifoPhase: { alloc: number; free: number }; queueOps: number }

export async function skbRates(cycles = 4000): Promise<SkbRates> {
  const sim = await simulate(SkbManager, {}, { backend: 'verilator' });
  const s = sim as unknown as { poke(n: string, v: number): void; peek(n: string): number | bigint; step(n?: number): void; reset(): void };
  try {
    s.reset();
    const blocks = skbGeometry(skbDefaults).blocks;
    const held: number[] = [];
    /** Offers an allocation and (while `hold` or more blocks are held) a free of the oldest, every cycle. */
    const run = (n: number, hold: number) => {
      let allocs = 0, frees = 0;
      for (let c = 0; c < n; c++) {
        const freeing = held.length >= hold;
        s.poke('alloc_valid', 1);
        s.poke('free_valid', freeing ? 1 : 0);
        if (freeing) s.poke('free_id', held[0]!);
        const allocOk = Number(s.peek('alloc_ready')) === 1, freeOk = freeing && Number(s.peek('free_ready')) === 1;
        if (allocOk) { allocs++; held.push(Number(s.peek('alloc_id'))); }
        if (freeOk) { frees++; held.shift(); }
        s.step();
      }
      s.poke('alloc_valid', 0); s.poke('free_valid', 0);
      return { alloc: allocs / n, free: frees / n };
    };
    // Counter phase: never-used blocks come from the counter (hold a quarter of them so frees start early).
    const hold = Math.floor(blocks / 4);
    run(hold, hold);
    const counterPhase = run(blocks - hold - 8, hold);
    // FIFO phase: every block has been handed out once; allocations now come from the FIFO of freed ids.
    const fifoPhase = run(cycles, hold);

    // Queue operations: enqueue and dequeue on connection 1's receive queue, one operation offered every cycle.
    let ops = 0, enqueued = 0;
    for (let c = 0; c < cycles; c++) {
      const enqueue = enqueued < held.length && (c % 2 === 0);
      s.poke('q_valid', 1); s.poke('q_op', enqueue ? 0 : 1); s.poke('q_conn', 1); s.poke('q_dir', 1);
      if (enqueue) s.poke('q_id', held[enqueued]!);
      if (Number(s.peek('q_ready')) === 1) { ops++; if (enqueue) enqueued++; }
      s.step();
    }
    s.poke('q_valid', 0);
    return { blocks, counterPhase, fifoPhase, queueOps: ops / cycles };
  } finally { sim.close(); }
}
