// Port widths 1..130: exact round trips through a wire and a register, masking, signed ports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type VerilatedModel } from '../../sim/verilator/index.ts';
import { WIDTHS, widthsSpec } from './designs.ts';

// Deterministic pseudo-random bigints of a given width.
function* randomBig(seed: number): Generator<bigint> {
  let x = BigInt(seed) | 1n;
  for (;;) {
    x ^= (x << 13n) & ((1n << 64n) - 1n);
    x ^= x >> 7n;
    x ^= (x << 17n) & ((1n << 64n) - 1n);
    yield x;
  }
}

function randomOfWidth(gen: Generator<bigint>, w: number): bigint {
  let v = 0n;
  for (let bits = 0; bits < w; bits += 64) v = (v << 64n) | gen.next().value!;
  return BigInt.asUintN(w, v);
}

describe('verilator port widths', () => {
  let m: VerilatedModel;
  beforeAll(async () => {
    m = await buildModel(widthsSpec());
  });
  afterAll(() => m?.dispose());

  it('uses numbers up to 32 bits and bigints above', () => {
    m.port('d32').set(5);
    m.port('d33').set(5n);
    m.eval();
    expect(typeof m.port('c32').get()).toBe('number');
    expect(typeof m.port('c33').get()).toBe('bigint');
    expect(m.port('c33').get()).toBe(5n);
    expect(() => m.portN('c33')).toThrow(/use portB/);
    expect(() => m.port('nope')).toThrow(/no port 'nope'/);
  });

  it.each(WIDTHS)('round-trips %i-bit values exactly (zero, one, all-ones, top bit, random)', (w) => {
    const d = m.port(`d${w}`);
    const c = m.port(`c${w}`);
    const r = m.port(`r${w}`);
    const all = (1n << BigInt(w)) - 1n;
    const gen = randomBig(w * 7919);
    const values = [0n, 1n, all, 1n << BigInt(w - 1), ...Array.from({ length: 200 }, () => randomOfWidth(gen, w))];
    const asPort = (v: bigint) => (w <= 32 ? Number(v) : v);
    for (const v of values) {
      d.set(asPort(v));
      m.tick();
      expect(c.get()).toBe(asPort(v));
      expect(r.get()).toBe(asPort(v));
    }
  });

  it.each(WIDTHS)('masks %i-bit inputs to the width', (w) => {
    const d = m.port(`d${w}`);
    const c = m.port(`c${w}`);
    const all = (1n << BigInt(w)) - 1n;
    // Bits above the width are dropped; negative values wrap (two's complement).
    d.set(w <= 32 ? -1 : -1n);
    m.eval();
    expect(c.get()).toBe(w <= 32 ? Number(all) : all);
    d.set(w <= 32 ? 2 ** w + 1 : (1n << BigInt(w)) + 1n);
    m.eval();
    expect(c.get()).toBe(w <= 32 ? 1 : 1n);
    // A bigint into a narrow port and a number into a wide one work too.
    d.set(w <= 32 ? (all << 1n) | 1n : 12345);
    m.eval();
    expect(c.get()).toBe(w <= 32 ? Number(all) : 12345n);
  });

  it('reads signed ports as signed values', () => {
    const s5 = m.port('s5');
    const s5o = m.port('s5o');
    for (const v of [-16, -1, 0, 1, 15]) {
      s5.set(v);
      m.eval();
      expect(s5o.get()).toBe(v);
    }
    s5.set(16); // wraps to -16 in 5 bits
    m.eval();
    expect(s5o.get()).toBe(-16);
    for (const [p, w] of [
      ['s40', 40],
      ['s100', 100],
    ] as const) {
      const min = -(1n << BigInt(w - 1));
      for (const v of [min, -1n, 0n, 1n, -min - 1n, -(1n << BigInt(w - 2)) - 12345n]) {
        m.port(p).set(v);
        m.eval();
        expect(m.port(`${p}o`).get()).toBe(v);
      }
    }
  });

  it('exposes the raw storage as typed arrays (VlWide words LSB first)', () => {
    m.port('d130').set((3n << 128n) | (0xdeadbeefn << 32n) | 7n);
    m.eval();
    const words = m.port('c130').array as Uint32Array;
    expect(Array.from(words)).toEqual([7, 0xdeadbeef, 0, 0, 3]);
    expect(m.port('c64').array).toBeInstanceOf(BigUint64Array);
    expect(m.port('c1').array).toBeInstanceOf(Uint8Array);
  });
});
