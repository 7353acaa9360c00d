// The TX checksum inserter's single-mode configurations: 'partial' (only the headers are buffered: its small
// buffer must hold the longest headers, 14 + 60 + 60 bytes, at line rate) and 'store' with a buffer smaller
// than a frame (the frame passes unchanged and is counted as oversize; the next ones are filled as usual).
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { fillTcpChecksum, type TcpOption } from '../../sim/packet/index.ts';
import { TxChecksum, txFifoDepth, MAX_HEADERS } from '../../blocks/checksum/tx-checksum.ts';
import { simBackends } from '../backends.ts';
import { buildFrame, frameSpec } from './frames.ts';
import { backToBack, runFrames, sameBytes } from './run.ts';
import { txInput } from './tx-input.ts';

/** 40 bytes of TCP options: a data offset of 15. */
const MAX_TCP_OPTIONS: TcpOption[] = [
  { type: 'sack', blocks: [1, 2, 3, 4].map((i) => ({ left: i * 1000, right: i * 1000 + 500 })) },
  { type: 'nop' }, { type: 'nop' }, { type: 'mss', mss: 1460 },
];

describe.each(simBackends())('tx_checksum configurations (%s)', (backend) => {
  describe.each([8, 64])('partial sums only, %i-bit', async (width) => {
    const n = width / 8;
    const sim = await simulate(TxChecksum, { width, mode: 'partial' }, { backend });
    afterAll(() => sim.close());

    it(`buffers ${txFifoDepth({ width, mode: 'partial', fifoBytes: 0 })} beats, enough for ${MAX_HEADERS} bytes of headers`, () => {
      expect(txFifoDepth({ width, mode: 'partial', fifoBytes: 0 }) * n).toBeGreaterThan(MAX_HEADERS);
    });

    it('random frames, and frames with the longest headers, at random gaps and backpressure', () => {
      fc.assert(fc.property(
        fc.array(fc.record({ spec: frameSpec(3000), longest: fc.boolean(), garbage: fc.uint8Array({ minLength: 4, maxLength: 4 }) }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(0, 0.3), fc.constantFrom(0, 0.3), fc.integer({ min: 1, max: 1 << 30 }),
        (cases, gap, backpressure, seed) => {
          sim.reset();
          const want = cases.map((c) => buildFrame(c.longest ? { ...c.spec, ipOptionWords: 10, tcpOptions: MAX_TCP_OPTIONS } : c.spec));
          const out = runFrames(sim as never, n, cases.map((c, i) => txInput(want[i]!, 'partial', true, c.garbage)), { gap, backpressure, seed });
          out.forEach((f, i) => expect(sameBytes(f.data, want[i]!), `frame ${i}`).toBe(true));
          expect(sim.peekN('tcp_filled')).toBe(cases.length);
        }), { numRuns: 15 });
    });

    it('a TCP header claiming more than its segment holds is summed only up to the datagram end', () => {
      const spec = fc.sample(frameSpec(0), { numRuns: 1, seed: 4 })[0]!;
      const frame = buildFrame({ ...spec, ipOptionWords: 1, tcpOptions: [], payload: new Uint8Array([1, 2, 3, 4]), trailer: new Uint8Array(40).fill(0x77) });
      const segmentStart = 14 + 24;
      const datagramEnd = 14 + ((frame[16]! << 8) | frame[17]!);
      frame[segmentStart + 12] = 0xf0 | (frame[segmentStart + 12]! & 0x0f); // data offset 15: 60 bytes, past the datagram
      fillTcpChecksum(spec.srcIp, spec.dstIp, frame.subarray(segmentStart, datagramEnd));
      const input = frame.slice();
      input[segmentStart + 16] = 0x12;
      input[segmentStart + 17] = 0x34;
      sim.reset();
      const out = runFrames(sim as never, n, [{ data: input, user: 0 }], { seed: 3 });
      expect(sameBytes(out[0]!.data, frame)).toBe(true);
    });

    it('back-to-back frames with the longest headers at line rate', () => {
      const spec = fc.sample(frameSpec(0), { numRuns: 1, seed: 8 })[0]!;
      for (const payload of [0, 1460]) {
        const want = buildFrame({ ...spec, ipOptionWords: 10, tcpOptions: MAX_TCP_OPTIONS, payload: new Uint8Array(payload).fill(3), trailer: new Uint8Array(0) });
        sim.reset();
        const r = backToBack(sim as never, n, Array.from({ length: 20 }, () => txInput(want, 'partial', true, new Uint8Array([9, 9, 9, 9]))));
        r.received.forEach((f, i) => expect(sameBytes(f.data, want), `frame ${i}`).toBe(true));
        expect(r.extraCycles).toBeLessThanOrEqual(Math.ceil(MAX_HEADERS / n) + 6);
      }
    });
  });

  describe('store and forward with a 512-byte buffer, 64-bit', async () => {
    const sim = await simulate(TxChecksum, { width: 64, mode: 'store', fifoBytes: 512 }, { backend });
    afterAll(() => sim.close());

    it('a frame longer than the buffer passes unchanged and is counted; the frames around it are filled', () => {
      const specs = fc.sample(frameSpec(0), { numRuns: 4, seed: 17 });
      const sizes = [200, 2000, 480, 1500, 60];
      const want = sizes.map((size, i) => buildFrame({ ...specs[i % 4]!, ipOptionWords: 0, tcpOptions: [], payload: new Uint8Array(Math.max(0, size - 54)).fill(i), trailer: new Uint8Array(0) }));
      const inputs = want.map((w) => txInput(w, 'store', false, new Uint8Array([0xde, 0xad, 0xbe, 0xef])));
      sim.reset();
      const out = runFrames(sim as never, 8, inputs, { gap: 0.2, backpressure: 0.4, seed: 2 });
      out.forEach((f, i) => {
        const tooLong = sizes[i]! > 512;
        expect(sameBytes(f.data, tooLong ? inputs[i]!.data : want[i]!), `frame ${i} (${sizes[i]} bytes)`).toBe(true);
      });
      expect([sim.peekN('frames'), sim.peekN('tcp_filled'), sim.peekN('oversize')]).toEqual([5, 3, 2]);
    });
  });
});
