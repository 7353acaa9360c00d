// Random cases, biased to the edges, through the block on every back end, compared with the RFC model.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { verdictName } from '../../blocks/seq_check/interface.ts';
import { checkSegment, type SegCase } from '../../sim/tcp/seq-check-model.ts';
import { segCase } from './arbitraries.ts';
import { runCases, seqCheckSim } from './driver.ts';

const BATCHES = 50;
const PER_BATCH = 400; // 20,000 cases per back end

describe.each(simBackends())('seq_check random cases (%s)', async (backend) => {
  const sim = await seqCheckSim(backend);
  afterAll(() => sim.close());

  it(`agrees with the model on ${BATCHES * PER_BATCH} edge-biased cases, with idle cycles and backpressure`, () => {
    let batch = 0, checked = 0;
    fc.assert(fc.property(fc.array(segCase, { minLength: PER_BATCH, maxLength: PER_BATCH }), (drawn) => {
      const cases: SegCase[] = drawn.map((c, i) => ({ ...c, tag: i }));
      const seed = ++batch;
      const got = runCases(sim, cases, { gap: seed % 3 === 0 ? 0 : 0.2, backpressure: seed % 2 === 0 ? 0 : 0.25, seed }).verdicts;
      cases.forEach((c, i) => {
        const want = checkSegment(c);
        if (JSON.stringify(got[i]) !== JSON.stringify(want)) {
          throw new Error(`case ${JSON.stringify(c)}\n  block ${verdictName(got[i]!.verdict)} ${JSON.stringify(got[i])}\n  model ${verdictName(want.verdict)} ${JSON.stringify(want)}`);
        }
        checked++;
      });
    }), { numRuns: BATCHES, seed: 20240601 });
    expect(checked).toBe(BATCHES * PER_BATCH);
  });

  it('the random cases reach every verdict and every flag (the generator is not lopsided)', () => {
    const sample = fc.sample(segCase, { numRuns: 5000, seed: 7 }).map(checkSegment);
    const verdicts = new Set(sample.map((v) => v.verdict));
    expect([...verdicts].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const f of ['fin', 'seq_ok', 'ack_ok', 'ack_advance', 'dup_ack', 'ack_unsent', 'ack_too_old', 'wnd_update'] as const) {
      expect(sample.filter((v) => v[f]).length, f).toBeGreaterThan(20);
    }
    expect(sample.filter((v) => v.trim_front > 0 && v.accept_len > 0).length).toBeGreaterThan(20);
    expect(sample.filter((v) => v.accept_len > 0 && v.accept_len + v.trim_front < 65535 && v.verdict <= 1).length).toBeGreaterThan(20);
  });
});
