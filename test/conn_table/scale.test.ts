// 1024 connections: the same generator elaborates, and a short run on the native simulator fills part of the
// table and looks connections up at one per cycle.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConnStatus, LOOKUP_LATENCY } from '../../blocks/conn_table/params.ts';
import { ConnTableHarness } from './driver.ts';
import { tupleArb } from './arbitraries.ts';

describe('conn_table with 1024 connections (native)', () => {
  it('inserts, looks up at one per cycle, deletes, and agrees with the model', async () => {
    const h = await ConnTableHarness.create({ conns: 1024 }, 'native');
    try {
      const ts = [...new Map(fc.sample(tupleArb, { numRuns: 320, seed: 11 }).map((t) => [JSON.stringify(t), t])).values()].slice(0, 300);
      const r = h.run({ ops: ts.map((tuple) => ({ op: 'insert' as const, tuple })) });
      expect(r.results.every((x) => x.status === ConnStatus.OK)).toBe(true);
      const l = h.run({ lookups: ts });
      expect(l.lookups.every((x, i) => x.hit && x.index === i)).toBe(true);
      expect(l.cycles).toBe(ts.length + LOOKUP_LATENCY);
      h.run({ ops: [1023, 299, 5].map((index) => ({ op: 'delete' as const, index })), lookups: ts.slice(0, 50), gap: 0.3, backpressure: 0.3 });
      expect(h.stats()).toEqual(h.modelStats());
      expect(h.stats()).toMatchObject({ occupancy: 298, op_errors: 1 }); // 1023 was never allocated
    } finally { h.sim.close(); }
  }, 60_000);
});
