// Two more datapath widths (16 and 256 bits) and more SACK blocks in the metadata: random frames on every
// back end against the model, and back-to-back minimum-size frames at one beat per cycle.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { buildTcpFrame, TcpFlags } from '../../sim/packet/index.ts';
import { simBackends } from '../backends.ts';
import { RxParserProbe } from './probe.ts';
import { differences, expectAll, runFrames, type InFrame } from './driver.ts';
import { anyFrame } from './arbitraries.ts';

const configs = [
  { width: 16, sackBlocks: 4 },
  { width: 256, sackBlocks: 2 },
];

describe.each(simBackends())('rx_parser on %s', (backend) => {
  describe.each(configs)('$width-bit datapath, $sackBlocks SACK blocks', async ({ width, sackBlocks }) => {
    const sim = await simulate(RxParserProbe, { width, sackBlocks }, { backend });
    afterAll(() => sim.close());
    const runs = backend === 'native' ? 2 : 10;

    it('random frames match the model', () => {
      fc.assert(fc.property(
        fc.array(anyFrame(), { minLength: 20, maxLength: 40, size: 'max' }), fc.integer({ min: 1, max: 1 << 30 }),
        (frames, seed) => {
          sim.reset();
          const expected = expectAll(frames, sackBlocks);
          const run = runFrames(sim, frames, expected, { gap: 0.2, backpressure: 0.3, seed, sackBlocks });
          expect(differences(frames, expected, run)).toEqual([]);
        }), { numRuns: runs, seed: width, endOnFailure: true });
    });

    it('takes back-to-back 60-byte frames at one beat per cycle', () => {
      sim.reset();
      const n = backend === 'native' ? 100 : 1000;
      const frames: InFrame[] = Array.from({ length: n }, (_, i) => ({
        data: buildTcpFrame({ srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: 1, dstIp: 2, srcPort: 1, dstPort: 2,
          seq: i, ack: 0, flags: TcpFlags.ACK, window: 1, payload: new Uint8Array(6).fill(i & 0xff) }),
      }));
      const expected = expectAll(frames, sackBlocks);
      const run = runFrames(sim, frames, expected, { sackBlocks });
      expect(differences(frames, expected, run)).toEqual([]);
      expect(run.cycles).toBeLessThanOrEqual(n * Math.ceil(60 / (width / 8)) + 64);
    });
  });
});
