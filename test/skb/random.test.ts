// Random sequences of every operation (bad ones included) on each back end, compared cycle by cycle with the
// model; after each sequence everything is freed and every block must come back exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { SkbHarness, formalConfig, smallConfig } from './driver.ts';
import { resolve, stepsArb } from './arbitraries.ts';
import { skbDefaults, type SkbParams } from '../../blocks/skb/params.ts';
import { SkbError } from '../../blocks/skb/codes.ts';

const configs: { name: string; params: SkbParams; runs: number; length: number; deep: number; noOverflow?: boolean }[] = [
  { name: '16 blocks, 4 connections (block RAM)', params: smallConfig, runs: 120, length: 300, deep: 6 },
  { name: '8 blocks, 2 connections (formal build, invariant outputs checked)', params: formalConfig, runs: 120, length: 300, deep: 6 },
  { name: 'default: 128 blocks of 2 KiB, 64 connections', params: skbDefaults, runs: 12, length: 400, deep: 4, noOverflow: true },
];

describe.each(simBackends())('skb_manager random operations (%s)', async (backend) => {
  for (const c of configs) {
    const first = await SkbHarness.create(c.params, backend);
    afterAll(() => first.sim.close());

    it(`${c.name}: ${c.runs} sequences of ${c.length} cycles agree with the model; freeing everything returns every block`, () => {
      const seen = { allocs: 0, releases: 0, errors: new Set<number>(), exhausted: 0, queuedMax: 0 };
      fc.assert(fc.property(stepsArb(c.params, c.length), (steps) => {
        const h = first.restart();
        for (const s of steps) {
          const out = h.cycle(resolve(s, h.model, c.params));
          if (out.qResp?.error) seen.errors.add(out.qResp.error);
          if (out.refResp?.error) seen.errors.add(out.refResp.error);
          if (out.refResp?.released) seen.releases++;
          if (out.nomem) seen.exhausted++;
          seen.queuedMax = Math.max(seen.queuedMax, h.model.queued.filter(Boolean).length);
        }
        seen.allocs += h.allocs;
        h.freeEverythingAndCheck();
      }), { numRuns: c.runs, seed: 4242, endOnFailure: true });
      // The sequences reached every kind of refusal, exhaustion and deep queues.
      // (15 references are too many for random gets to reach in the default build.)
      const codes = Object.values(SkbError).filter((e) => e !== SkbError.NONE && !(c.noOverflow && e === SkbError.REF_OVERFLOW));
      expect([...seen.errors].sort((a, b) => a - b)).toEqual(codes);
      if (c.params !== skbDefaults) expect(seen.exhausted).toBeGreaterThan(50);
      expect(seen.queuedMax).toBeGreaterThanOrEqual(c.deep);
      expect(seen.releases).toBeGreaterThan(c.runs * 5);
    });
  }
});
