// The round-robin merge (blocks/toe_top/merge.ts): every offered beat leaves exactly once, in order per source,
// with backpressure, and no source waits while another is served twice (round robin), on both simulators.
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../../sim/harness.ts';
import { Merge } from '../../blocks/toe_top/merge.ts';
import { rng } from '../rng.ts';
import { simBackends } from '../backends.ts';

const N = 3, W = 12;

describe.each(simBackends())('merge (%s)', async (backend) => {
  const sim = await simulate(Merge, { n: N, width: W }, { backend });
  afterAll(() => sim.close());

  it('delivers every beat once, in order per source, and serves waiting sources in turn', async () => {
    const r = rng(5);
    sim.reset();
    const queues = Array.from({ length: N }, (_, i) => Array.from({ length: 40 }, (_, k) => (i << 8) | k));
    const got: number[][] = Array.from({ length: N }, () => []);
    const offered = queues.map(() => false);
    let servedInARow = new Array(N).fill(0), worst = 0;
    for (let cycle = 0; cycle < 2000 && queues.some((q) => q.length); cycle++) {
      for (let i = 0; i < N; i++) offered[i] = queues[i]!.length > 0 && (offered[i] || r() < 0.6); // a beat once offered stays
      let valid = 0, data = 0n;
      for (let i = 0; i < N; i++) if (offered[i]) { valid |= 1 << i; data |= BigInt(queues[i]![0]!) << BigInt(W * i); }
      sim.poke('in_valid', valid);
      sim.poke('in_data', data);
      const ready = r() < 0.7;
      sim.poke('out_ready', ready ? 1 : 0);
      const taken = Number(sim.peek('in_ready'));
      if (ready && valid) {
        expect(sim.peek('out_valid')).toBe(1);
        const g = Number(sim.peek('grant'));
        expect(taken).toBe(1 << g);
        expect(Number(sim.peek('out_data'))).toBe(queues[g]![0]);
        got[g]!.push(queues[g]!.shift()!);
        offered[g] = false;
        // A source that waited while another was served: count how often the other went ahead.
        for (let i = 0; i < N; i++) if (i !== g && valid & (1 << i)) { servedInARow[i]++; worst = Math.max(worst, servedInARow[i]); }
        servedInARow[g] = 0;
      } else {
        expect(taken).toBe(0);
        expect(sim.peek('out_valid')).toBe(valid ? 1 : 0);
      }
      sim.step();
    }
    for (let i = 0; i < N; i++) expect(got[i]).toEqual(Array.from({ length: 40 }, (_, k) => (i << 8) | k));
    expect(worst, 'a waiting source is passed over at most n-1 times').toBeLessThanOrEqual(N - 1);
  });
});
