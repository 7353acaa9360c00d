// The TX frame builder: random descriptors and payloads (0..9000 bytes) with random gaps and backpressure give
// exactly the reference frames (both checksums verify), on 8-, 64- and 512-bit datapaths and every simulator.
// Back-to-back frames leave at one beat per cycle; payload-length mismatches and oversize descriptors are counted.
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { runBulk } from '../../sim/bulk.ts';
import { simBackends } from '../backends.ts';
import { TxBuilder } from '../../blocks/ack_tx/tx-builder.ts';
import { segment, u32 } from './arbitraries.ts';
import { expectFrame, payloadBytes, runTxBuilder, type Segment } from './drivers.ts';
import { NO_SACK, pokeStruct, type SegmentDesc } from './fields.ts';
import { expectedSegmentFrame, payloadSum } from './reference.ts';

const desc = (payload: Uint8Array, over: Partial<SegmentDesc> = {}): SegmentDesc => ({
  dst_mac: 0x020000000002, src_mac: 0x020000000001, src_ip: 0xc6120002, dst_ip: 0xc6120001, src_port: 40000, dst_port: 5001,
  seq: 0x10000000, ack: 0x20000000, flags: 0x18, window: 1024, ts_enabled: false, ts_ecr: 0, sack_count: 0, sack: NO_SACK,
  payload_len: payload.length, payload_sum: payloadSum(payload), ...over,
});

describe.each(simBackends())('tx_builder on %s', (backend) => {
  describe.each([8, 64, 512])('%i-bit datapath', async (width) => {
    const sim = await simulate(TxBuilder, { width }, { backend });
    afterAll(() => sim.close());
    const runs = width === 8 ? 6 : 12;

    it('random descriptors and payloads 0..9000 bytes, random gaps and backpressure: exact frames, checksums verify', () => {
      fc.assert(fc.property(
        fc.array(segment, { minLength: 1, maxLength: width === 8 ? 3 : 5 }), u32,
        fc.constantFrom(0, 0.3, 0.6), fc.constantFrom(0, 0.3, 0.6), fc.nat(),
        (segments, tsval, gap, backpressure, seed) => {
          const r = runTxBuilder(sim, segments, { tsval, gap, backpressure, seed });
          expect(r.frames.length).toBe(segments.length);
          r.frames.forEach((f, i) => expectFrame(f.data, r.expected[i]!, `frame ${i}`));
          expect(sim.peek('len_errors')).toBe(0);
        }), { numRuns: runs, seed: width });
    });

    it('every option layout and header length: 0..4 SACK blocks with and without timestamps', () => {
      const segments: Segment[] = [];
      for (const ts of [false, true]) {
        for (let n = 0; n <= 5; n++) {
          for (const len of [0, 1, 5, width / 8 + 3]) {
            const payload = payloadBytes(len, n * 10 + len);
            segments.push({ payload, desc: desc(payload, { ts_enabled: ts, ts_ecr: 0xcafef00d, sack_count: n, sack: NO_SACK.map((_, k) => ({ left: 0x01020304 * (k + 1), right: 0x0a0b0c0d + k })) }) });
          }
        }
      }
      const r = runTxBuilder(sim, segments, { tsval: 0x7fffffff, gap: 0.2, backpressure: 0.2, seed: 9 });
      r.frames.forEach((f, i) => expectFrame(f.data, r.expected[i]!, `frame ${i}`));
    });

    it('back-to-back frames leave at one beat per cycle (no idle cycle between frames)', () => {
      sim.reset();
      sim.poke('tsval', 1);
      const payload = payloadBytes(446, 1); // a 500-byte frame
      pokeStruct(sim, 'desc', desc(payload));
      sim.poke('desc_valid', 1); // the same descriptor, offered every cycle
      const frames = 40;
      const r = runBulk(sim, [{ prefix: 's_axis', frames: Array.from({ length: frames }, () => ({ data: payload })) }],
        [{ prefix: 'm_axis', expectFrames: frames }], { idleCycles: 0 });
      sim.poke('desc_valid', 0);
      expect(r.status).toBe('done');
      const beats = Math.ceil(500 / (width / 8)) * frames;
      expect(r.cycles).toBeLessThanOrEqual(beats + 12); // pipeline fill only
      r.received[0]!.forEach((f, i) => expectFrame(f.data, expectedSegmentFrame(desc(payload), payload, 1, i), `frame ${i}`));
    });

    it('a payload frame whose length differs from payload_len is counted; the next frame is intact', () => {
      const short = payloadBytes(100, 3), good = payloadBytes(70, 4);
      const segments = [{ desc: desc(payloadBytes(120, 3)), payload: short }, { desc: desc(good), payload: good }];
      const r = runTxBuilder(sim, segments, { tsval: 5, gap: 0, backpressure: 0, seed: 1 });
      expect(sim.peek('len_errors')).toBe(1);
      expectFrame(r.frames[1]!.data, r.expected[1]!, 'the frame after');
    });

    it('a descriptor whose IPv4 length would pass 65535 is dropped with its payload and counted', () => {
      const some = payloadBytes(300, 5), good = payloadBytes(33, 6);
      const tooLong = desc(some, { payload_len: 65500 });
      const r = runTxBuilder(sim, [{ desc: tooLong, payload: some }, { desc: desc(good), payload: good }], { tsval: 5, gap: 0.2, backpressure: 0.2, seed: 1, expect: 1 });
      expect(r.frames.length).toBe(1);
      expect(sim.peek('oversize')).toBe(1);
      expect(sim.peek('len_errors')).toBe(0);
      expectFrame(r.frames[0]!.data, expectedSegmentFrame(desc(good), good, 5, 1), 'the frame after');
    });
  });
});
