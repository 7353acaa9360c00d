// The shared ones'-complement helpers (blocks/checksum/ones-sum.ts) and byte-range masks against sim/packet's
// software checksum, on random beats, masks and alignments, on every simulator back end.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defineModule, input, output, Bool, UInt } from '../../dsl/index.ts';
import { simulate } from '../../sim/harness.ts';
import { checksumPartial } from '../../sim/packet/index.ts';
import { beatBytes, foldOnes16, onesSumBytes, checksumField, checksumVerifies } from '../../blocks/checksum/ones-sum.ts';
import { byteRange } from '../../blocks/checksum/byte-range.ts';
import { simBackends } from '../backends.ts';

const BYTES = 16;

const OnesSumProbe = defineModule('ones_sum_probe', (m) => {
  const io = m.io({
    data: input(UInt(8 * BYTES)),
    mask: input(UInt(BYTES)),
    odd: input(Bool),
    wide: input(UInt(32)),
    offset: input(UInt(18)),
    start: input(UInt(18)),
    stop: input(UInt(18)),
    folded: output(UInt(16)),
    field: output(UInt(16)),
    verifies: output(Bool),
    wide_folded: output(UInt(16)),
    range: output(UInt(BYTES)),
  });
  const sum = onesSumBytes(beatBytes(io.data), io.mask, io.odd);
  io.folded.set(foldOnes16(sum));
  io.field.set(checksumField(sum));
  io.verifies.set(checksumVerifies(sum));
  io.wide_folded.set(foldOnes16(io.wide));
  io.range.set(byteRange(io.offset, io.start, io.stop, BYTES));
  return io;
});

/** RFC 1071 fold of a plain integer, the reference for foldOnes16. */
function fold(x: number): number {
  let s = x;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

const toBig = (bytes: Uint8Array) => bytes.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);

describe.each(simBackends())('ones-sum helpers (%s)', async (backend) => {
  const sim = await simulate(OnesSumProbe, {}, { backend });
  afterAll(() => sim.close());

  it('the sum of a masked beat at either alignment folds to sim/packet checksumPartial', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: BYTES, maxLength: BYTES }), fc.integer({ min: 0, max: (1 << BYTES) - 1 }), fc.boolean(),
      (bytes, mask, odd) => {
        sim.poke('data', toBig(bytes));
        sim.poke('mask', mask);
        sim.poke('odd', odd);
        // The reference: the kept bytes at their positions (an odd start shifts them by one), others zero.
        const laid = new Uint8Array(BYTES + 1);
        bytes.forEach((b, i) => { if ((mask >> i) & 1) laid[i + (odd ? 1 : 0)] = b; });
        const want = checksumPartial(laid);
        expect(sim.peekN('folded')).toBe(want);
        expect(sim.peekN('field')).toBe(~want & 0xffff);
        expect(sim.peekN('verifies')).toBe(want === 0xffff ? 1 : 0);
      }), { numRuns: 300 });
  });

  it('foldOnes16 matches the end-around-carry fold, at the edges too', () => {
    const edges = [0, 1, 0xffff, 0x10000, 0x1fffe, 0x1ffff, 0xfffeffff, 0xffff0000, 0xffffffff];
    for (const x of [...edges, ...fc.sample(fc.integer({ min: 0, max: 0xffffffff }), { numRuns: 200, seed: 5 })]) {
      sim.poke('wide', x);
      expect(sim.peekN('wide_folded'), `fold(0x${x.toString(16)})`).toBe(fold(x));
    }
  });

  it('byteRange marks exactly the bytes whose offset lies in [start, end)', () => {
    const off = fc.integer({ min: 0, max: (1 << 17) - 1 });
    fc.assert(fc.property(off, off, off, fc.boolean(), (o, a, b, near) => {
      // Most ranges worth testing start or end near the beat.
      const offset = near ? Math.max(0, a - 8) : o;
      sim.poke('offset', offset);
      sim.poke('start', a);
      sim.poke('stop', near ? a + (b % 40) : b);
      const end = near ? a + (b % 40) : b;
      let want = 0;
      for (let i = 0; i < BYTES; i++) if (offset + i >= a && offset + i < end) want |= 1 << i;
      expect(sim.peekN('range')).toBe(want);
    }), { numRuns: 400 });
  });
});
