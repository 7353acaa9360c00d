// Random frames through the RX parser on every back end and at 8, 64 and 512 bits: TCP with random IPv4 and
// TCP options and payloads up to 9000 bytes, slow-path classes and damaged frames, MAC errors, random valid
// gaps and backpressure on all three outputs. Everything that comes out must equal the model.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { RxParserProbe } from './probe.ts';
import { differences, expectAll, runFrames } from './driver.ts';
import { anyFrame, garbageFrameBytes, tcpFrameBytes } from './arbitraries.ts';
import { RX_REASONS, RxReason } from '../../blocks/rx_parser/reasons.ts';
import type { InFrame } from './driver.ts';

// Runs and frames per run, per back end and width: the native simulator is far slower per cycle, most of all
// on wide datapaths and per byte on narrow ones.
const budget: Record<string, Record<number, { runs: number; frames: number }>> = {
  verilator: { 8: { runs: 20, frames: 80 }, 64: { runs: 40, frames: 100 }, 512: { runs: 40, frames: 100 } },
  native: { 8: { runs: 5, frames: 25 }, 64: { runs: 16, frames: 40 }, 512: { runs: 12, frames: 40 } },
};

/** Good TCP frames with damaged ones (random bytes, cut short, corrupted lengths, MAC errors) between them. */
const interleaved = (pairs: number) => fc.array(
  fc.tuple(tcpFrameBytes(1500), garbageFrameBytes, fc.boolean(), fc.boolean()),
  { minLength: pairs, maxLength: pairs, size: 'max' },
).map((xs) => xs.flatMap(([good, bad, macError, badFirst]): InFrame[] => {
  const pair = [{ data: good }, { data: bad, macError }];
  return badFirst ? pair.reverse() : pair;
}));

describe.each(simBackends())('rx_parser on %s', (backend) => {
  describe.each([8, 64, 512])('%i-bit datapath', async (width) => {
    const sim = await simulate(RxParserProbe, { width }, { backend });
    afterAll(() => sim.close());
    const { runs, frames: maxFrames } = budget[backend]![width]!;

    it(`${runs} random batches of up to ${maxFrames} frames match the model`, () => {
      let total = 0, bytes = 0;
      const reasons = new Set<number>();
      fc.assert(fc.property(
        fc.array(anyFrame(), { minLength: Math.ceil(maxFrames / 2), maxLength: maxFrames, size: 'max' }),
        fc.constantFrom(0, 0.1, 0.4), fc.constantFrom(0, 0.2, 0.6), fc.integer({ min: 1, max: 1 << 30 }),
        (frames, gap, backpressure, seed) => {
          sim.reset();
          const expected = expectAll(frames);
          const run = runFrames(sim, frames, expected, { gap, backpressure, seed });
          total += frames.length;
          bytes += frames.reduce((n, f) => n + f.data.length, 0);
          for (const e of expected) reasons.add(e.reason);
          expect(differences(frames, expected, run)).toEqual([]);
        }), { numRuns: runs, seed: width * 7 + (backend === 'native' ? 1 : 0), endOnFailure: true });
      console.log(`${backend} ${width}-bit: ${total} frames, ${bytes} bytes, reasons seen ${[...reasons].sort((a, b) => a - b).join(' ')}`);
      expect(total).toBeGreaterThanOrEqual(runs * maxFrames / 2);
    });

    it('garbage between good frames: the good ones come out exactly, every bad one is counted by reason', () => {
      const pairs = Math.ceil(maxFrames / 2);
      fc.assert(fc.property(interleaved(pairs), fc.integer({ min: 1, max: 1 << 30 }), (frames, seed) => {
        sim.reset();
        const expected = expectAll(frames);
        const run = runFrames(sim, frames, expected, { gap: 0.2, backpressure: 0.3, seed });
        expect(run.status).toBe('done'); // nothing hung
        expect(differences(frames, expected, run)).toEqual([]);
        // Every frame counted once; the good ones (every even or odd slot) all as OK.
        expect(run.counts.reduce((a, b) => a + b, 0)).toBe(frames.length);
        const goodOk = expected.filter((e, i) => frames[i]!.macError === undefined && e.reason === RxReason.OK).length;
        expect(goodOk).toBe(pairs);
        expect(run.counts[RxReason.OK]).toBeGreaterThanOrEqual(pairs);
        // A clean batch right after: no state left behind by the garbage.
        const clean: InFrame[] = frames.filter((f) => f.macError === undefined);
        const cleanExpected = expectAll(clean);
        const after = runFrames(sim, clean, cleanExpected, { seed: seed + 1 });
        expect(differences(clean, cleanExpected, after)).toEqual([]);
        expect(after.counts).toEqual(RX_REASONS.map((r) => (r === RxReason.OK ? clean.length : 0)));
      }), { numRuns: Math.max(2, Math.ceil(runs / 3)), seed: width * 13 + (backend === 'native' ? 1 : 0), endOnFailure: true });
    });
  });
});
