/** ISN and timestamp mapping arithmetic, modulo 2^32. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionMap } from '../../../sim/packetdrill/runner/index.ts';

describe('ConnectionMap', () => {
  it('maps relative local sequence numbers to the wire and back, across 2^32', () => {
    const c = new ConnectionMap(8080, 40000);
    c.learnLocalIsn(0xfffffff0, 0);
    expect(c.localToWire(1)).toBe(0xfffffff1);
    expect(c.localToWire(0x10)).toBe(0);
    expect(c.localToWire(2001)).toBe(2001 - 16);
    expect(c.localFromWire(0x0000000f)).toBe(0x1f);
    expect(c.localFromWire(0xfffffff0)).toBe(0);
  });

  it('a script ISN other than 0 shifts the offset', () => {
    const c = new ConnectionMap(8080, 40000);
    c.learnLocalIsn(5, 100);
    expect(c.localToWire(101)).toBe(6);
    expect(c.localToWire(0)).toBe(2 ** 32 - 95);
    expect(c.localScriptIsn).toBe(100);
  });

  it('localFromWire inverts localToWire for any ISN and value', () => {
    fc.assert(fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffffffff), (isn, scriptIsn, v) => {
      const c = new ConnectionMap(1, 2);
      c.learnLocalIsn(isn, scriptIsn);
      expect(c.localFromWire(c.localToWire(v))).toBe(v);
      expect(c.localToWire(scriptIsn)).toBe(isn);
    }), { seed: 7, numRuns: 300 });
  });

  it('TS ecr: exact pairs first, then interpolation from the first pair, wrapping', () => {
    const c = new ConnectionMap(1, 2);
    expect(c.tsToWire(100)).toBeNull();
    c.noteTsVal(100, 0xfffffffe);
    c.noteTsVal(150, 7);
    expect(c.tsToWire(150)).toBe(7);
    expect(c.tsToWire(103)).toBe(1);
    expect(c.tsFromWire(3)).toBe(105);
  });
});
