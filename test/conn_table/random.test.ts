// Random mixes of insert/delete/read/write, lookups and datapath updates at once, with idle cycles and
// backpressure, on every back end: each response and lookup result is checked against the model as it leaves,
// and the counters at the end.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { ConnStatus, geometry, connTableDefaults } from '../../blocks/conn_table/params.ts';
import { bucketOf } from '../../blocks/conn_table/hash.ts';
import type { Tuple } from '../../blocks/conn_table/tcb.ts';
import { ConnTableHarness } from './driver.ts';
import { trafficArb } from './arbitraries.ts';

describe.each(simBackends())('conn_table random traffic (%s)', async (backend) => {
  // A small table (16 connections, 4 buckets of 4 ways per bank, 2 stash entries) so FULL happens.
  const small = await ConnTableHarness.create({ conns: 16, stash: 2 }, backend);
  const big = await ConnTableHarness.create({}, backend);
  afterAll(() => { small.sim.close(); big.sim.close(); });

  // Crowded: every pool tuple hashes to bucket 0 of bank 0 and bucket 0 or 1 of bank 1: 12 slots and 2 stash
  // entries for 24 tuples and 16 indices.
  const g = geometry({ ...connTableDefaults, conns: 16, stash: 2 });
  const crowd = (t: Tuple) => bucketOf(g.masks[0]!, t) === 0 && bucketOf(g.masks[1]!, t) < 2;
  const cases = [
    { name: '16 connections', h: small, conns: 16, runs: 30, crowd: undefined },
    { name: '16 connections, crowded buckets', h: small, conns: 16, runs: 30, crowd },
    { name: '64 connections', h: big, conns: 64, runs: 12, crowd: undefined },
  ];
  for (const { name, h, conns, runs, crowd } of cases) {
    it(`agrees with the model on ${runs} random runs (${name})`, () => {
      const seen = new Set<number>();
      let lookups = 0, hits = 0;
      fc.assert(fc.property(trafficArb(conns, { ops: conns * 4, lookups: 300, upds: 60, pool: Math.round(conns * 1.5), crowd }), (t) => {
        h.restart();
        const r = h.run(t);
        for (const x of r.results) seen.add(x.status);
        lookups += r.lookups.length;
        hits += r.lookups.filter((l) => l.hit).length;
        expect(h.stats()).toEqual(h.modelStats());
      }), { numRuns: runs, seed: 20260105 + conns, endOnFailure: true });
      // The traffic reaches every status and both lookup outcomes.
      const want: number[] = [ConnStatus.OK, ConnStatus.DUPLICATE, ConnStatus.NOT_ALLOCATED, ConnStatus.BAD_INDEX];
      if (conns === 16) want.push(crowd ? ConnStatus.NO_ROOM : ConnStatus.FULL);
      for (const s of want) expect(seen.has(s), `status ${s}`).toBe(true);
      expect(hits).toBeGreaterThan(lookups / 5);
      expect(hits).toBeLessThan(lookups);
    });
  }
});
