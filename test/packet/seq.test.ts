import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seqAdd, seqDiff, seqGeq, seqGt, seqInWindow, seqLeq, seqLt } from '../../sim/packet/index.ts';
import { u32 } from './arbitraries.ts';

const HALF = 2 ** 31;
const step = fc.integer({ min: 1, max: HALF - 1 });

describe('sequence arithmetic mod 2^32', () => {
  it('wraps at 2^32', () => {
    expect(seqAdd(0xffffffff, 1)).toBe(0);
    expect(seqAdd(0xfffffff0, 0x20)).toBe(0x10);
    expect(seqAdd(5, -10)).toBe(0xfffffffb);
    expect(seqDiff(0x10, 0xfffffff0)).toBe(0x20);
    expect(seqLt(0xfffffff0, 0x10)).toBe(true);
    expect(seqLt(0x10, 0xfffffff0)).toBe(false);
  });

  it('a < a + n for 0 < n < 2^31, across the wrap', () => {
    fc.assert(
      fc.property(u32, step, (a, n) => {
        const b = seqAdd(a, n);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(0xffffffff);
        expect(seqLt(a, b)).toBe(true);
        expect(seqLeq(a, b)).toBe(true);
        expect(seqGt(b, a)).toBe(true);
        expect(seqGeq(b, a)).toBe(true);
        expect(seqLt(b, a)).toBe(false);
        expect(seqGt(a, b)).toBe(false);
        expect(seqDiff(b, a)).toBe(n);
        expect(seqDiff(a, b)).toBe(-n);
      }),
      { numRuns: 1000 },
    );
  });

  it('equal numbers: leq and geq, not lt or gt', () => {
    fc.assert(fc.property(u32, (a) => {
      expect([seqLt(a, a), seqLeq(a, a), seqGt(a, a), seqGeq(a, a), seqDiff(a, a)]).toEqual([false, true, false, true, 0]);
    }));
  });

  it('add and diff are inverse; comparisons are invariant under a common shift', () => {
    fc.assert(
      fc.property(u32, u32, u32, (a, b, k) => {
        expect(seqAdd(b, seqDiff(a, b))).toBe(a);
        expect(seqLt(seqAdd(a, k), seqAdd(b, k))).toBe(seqLt(a, b));
        expect(seqDiff(seqAdd(a, k), seqAdd(b, k))).toBe(seqDiff(a, b));
      }),
      { numRuns: 1000 },
    );
  });

  it('seqInWindow follows offsets from the window start, wrap included', () => {
    fc.assert(
      fc.property(u32, fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (lo, size, off) => {
        expect(seqInWindow(seqAdd(lo, off), lo, seqAdd(lo, size))).toBe(off < size);
      }),
      { numRuns: 1000 },
    );
  });
});
