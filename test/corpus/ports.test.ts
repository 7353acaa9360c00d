// Port values through the harness on every back end: 1-, 32-, 33-, 64-, 65- and 130-bit ports, unsigned and
// signed, through a small module that passes each input straight out, through a register, and inverted; exact
// values including all-ones and negative numbers. Then several models (different and identical) open at once.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defineModule, input, output, UInt, SInt } from '../../dsl/index.ts';
import { simulate, type Sim } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { Counter } from '../../examples/counter.ts';
import { Lfsr } from '../../examples/lfsr.ts';
import { mask, Rng, simFixture } from './util.ts';

const WIDTHS = [1, 32, 33, 64, 65, 130] as const;
const SIGNED_WIDTHS = [1, 2, 32, 33, 64, 65, 130] as const;

/**
 * For each width w: u<w> (unsigned) and s<w> (signed) inputs, each with outputs <name>_c (wired straight
 * through), <name>_q (through a register) and <name>_n (bitwise NOT).
 */
const PortWidths = defineModule('port_widths', (m, _p: { tag: number }) => {
  const spec: Record<string, ReturnType<typeof input> | ReturnType<typeof output>> = {};
  for (const w of WIDTHS) for (const suffix of ['', '_c', '_q', '_n']) spec[`u${w}${suffix}`] = suffix ? output(UInt(w)) : input(UInt(w));
  for (const w of SIGNED_WIDTHS) for (const suffix of ['', '_c', '_q', '_n']) spec[`s${w}${suffix}`] = suffix ? output(SInt(w)) : input(SInt(w));
  const io = m.io(spec) as unknown as Record<string, import('../../dsl/index.ts').Wire>;
  const names = [...WIDTHS.map((w) => ({ n: `u${w}`, t: UInt(w) })), ...SIGNED_WIDTHS.map((w) => ({ n: `s${w}`, t: SInt(w) }))];
  for (const { n, t } of names) {
    const q = m.reg(t);
    q.set(io[n]!);
    io[`${n}_c`]!.set(io[n]!);
    io[`${n}_q`]!.set(q);
    io[`${n}_n`]!.set(io[n]!.not());
  }
  return io;
}, { tag: 0 });

type AnySim = Sim<unknown>;
const p = (name: string) => name as never;

/** What peek should return for the bit pattern `bits` on a port of width w: a number up to 32 bits, signed if the port is. */
function expected(bits: bigint, w: number, signed: boolean): number | bigint {
  const v = signed ? BigInt.asIntN(w, bits) : BigInt.asUintN(w, bits);
  return w <= 32 ? Number(v) : v;
}

function cornerValues(w: number): bigint[] {
  const all = mask(w), top = 1n << BigInt(w - 1);
  return [...new Set([0n, 1n, all, all - 1n, top, top - 1n, top + 1n, 0x5555555555555555555555555555555555n & all, 0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaan & all])];
}

describe.each(simBackends())('ports and models on %s', (backend) => {
  const widths = simFixture(PortWidths, { tag: 0 }, { backend });

  it('the module has the ports it declares, with their widths and signedness', () => {
    const sim = widths() as AnySim;
    const ports = new Map(sim.engine.ports.map((x) => [x.name, x]));
    for (const w of WIDTHS) for (const s of ['', '_c', '_q', '_n']) expect({ n: `u${w}${s}`, w: ports.get(`u${w}${s}`)?.width, signed: ports.get(`u${w}${s}`)?.signed }).toEqual({ n: `u${w}${s}`, w, signed: false });
    for (const w of SIGNED_WIDTHS) for (const s of ['', '_c', '_q', '_n']) expect({ n: `s${w}${s}`, w: ports.get(`s${w}${s}`)?.width, signed: ports.get(`s${w}${s}`)?.signed }).toEqual({ n: `s${w}${s}`, w, signed: true });
  });

  for (const w of WIDTHS) {
    it(`${w}-bit unsigned: exact values in and out (wire, register, NOT), including all-ones; numbers up to 32 bits, bigints above`, () => {
      const sim = widths() as AnySim;
      const name = `u${w}`;
      const check = (bits: bigint, poked: number | bigint) => {
        sim.poke(p(name), poked);
        const c = sim.peek(p(`${name}_c`)), n = sim.peek(p(`${name}_n`));
        expect({ w, bits, c, type: typeof c }).toEqual({ w, bits, c: expected(bits, w, false), type: w <= 32 ? 'number' : 'bigint' });
        expect({ w, bits, n }).toEqual({ w, bits, n: expected(~bits & mask(w), w, false) });
        sim.step();
        expect({ w, bits, q: sim.peek(p(`${name}_q`)) }).toEqual({ w, bits, q: expected(bits, w, false) });
        expect(sim.peek(p(name))).toEqual(expected(bits, w, false)); // an input reads back as poked
      };
      for (const v of cornerValues(w)) {
        check(v, v);
        if (v <= BigInt(Number.MAX_SAFE_INTEGER)) check(v, Number(v)); // the same value poked as a number
      }
      // Out-of-range pokes are masked to the width; negative values are two's complement (-1 is all-ones).
      check(mask(w), -1);
      check(mask(w), -1n);
      check(0n, 1n << BigInt(w));
      check(mask(w) - 1n, -2n);
      check(5n & mask(w), (1n << BigInt(w + 7)) + 5n);
      fc.assert(fc.property(fc.bigInt({ min: 0n, max: mask(w) }), (v) => { check(v, v); }), { seed: 1000 + w, numRuns: 300 });
    });
  }

  for (const w of SIGNED_WIDTHS) {
    it(`${w}-bit signed: negative values in and out, reading back as negative numbers (bigints above 32 bits)`, () => {
      const sim = widths() as AnySim;
      const name = `s${w}`;
      const check = (value: bigint, poked: number | bigint) => {
        sim.poke(p(name), poked);
        const c = sim.peek(p(`${name}_c`));
        expect({ w, value, c, type: typeof c }).toEqual({ w, value, c: expected(value, w, true), type: w <= 32 ? 'number' : 'bigint' });
        expect({ w, value, n: sim.peek(p(`${name}_n`)) }).toEqual({ w, value, n: expected(-value - 1n, w, true) });
        sim.step();
        expect({ w, value, q: sim.peek(p(`${name}_q`)) }).toEqual({ w, value, q: expected(value, w, true) });
        expect(sim.peek(p(name))).toEqual(expected(value, w, true));
        expect(sim.peekB(p(`${name}_q`))).toBe(BigInt.asIntN(w, value));
      };
      const min = -(1n << BigInt(w - 1)), max = (1n << BigInt(w - 1)) - 1n;
      for (const v of [-1n, min, min + 1n, max, 0n, 1n, -2n, max - 1n]) {
        check(v, v);
        if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) check(v, Number(v));
      }
      // An unsigned bit pattern with the top bit set reads back negative.
      check(-1n, mask(w));
      check(min, 1n << BigInt(w - 1));
      fc.assert(fc.property(fc.bigInt({ min, max }), (v) => { check(v, v); }), { seed: 2000 + w, numRuns: 300 });
    });
  }

  it('all ports at once: random values on every input, every output matches after one edge', () => {
    const sim = widths() as AnySim;
    const r = new Rng(77);
    const all = [...WIDTHS.map((w) => ({ n: `u${w}`, w, s: false })), ...SIGNED_WIDTHS.map((w) => ({ n: `s${w}`, w, s: true }))];
    for (let i = 0; i < 200; i++) {
      const vals = all.map((x) => r.bits(x.w));
      all.forEach((x, k) => sim.poke(p(x.n), vals[k]!));
      sim.step();
      all.forEach((x, k) => {
        const want = expected(vals[k]!, x.w, x.s);
        const got = [sim.peek(p(`${x.n}_c`)), sim.peek(p(`${x.n}_q`))];
        if (got[0] !== want || got[1] !== want) expect({ i, port: x.n, got }).toEqual({ i, port: x.n, got: [want, want] });
      });
    }
  });

  it('several models open in one process at once: different designs and two instances of one design stay independent', async () => {
    const counter = await simulate(Counter, { width: 8 }, { backend });
    const lfsr = await simulate(Lfsr, {}, { backend });
    const second = await simulate(PortWidths, { tag: 0 }, { backend }) as AnySim; // the same design as widths()
    const first = widths() as AnySim;
    try {
      counter.poke('enable', 1); counter.poke('clear', 0); counter.reset();
      lfsr.poke('enable', 1); lfsr.poke('load', 0); lfsr.reset();
      first.poke(p('u130'), 0n); first.step();
      second.poke(p('u130'), mask(130)); second.step();
      const r = new Rng(5);
      let count = 0, state = 1n;
      const lfsrStep = (s: bigint) => ((s & 1n) ? (s >> 1n) ^ 0xb400n : s >> 1n);
      for (let i = 0; i < 300; i++) {
        // Interleave steps of all four, each a different number of cycles.
        const a = r.int(3), b = r.int(3);
        counter.step(a); count = (count + a) & 255;
        lfsr.step(b); for (let k = 0; k < b; k++) state = lfsrStep(state);
        const v1 = r.bits(130), v2 = r.bits(130);
        first.poke(p('u130'), v1); second.poke(p('u130'), v2);
        first.step(); second.step();
        expect(counter.peek('count')).toBe(count);
        expect(lfsr.peekB('state')).toBe(state);
        expect(first.peekB(p('u130_q'))).toBe(v1);
        expect(second.peekB(p('u130_q'))).toBe(v2);
      }
      expect(counter.cycle).not.toBe(lfsr.cycle);
      // Closing one model leaves the others working.
      second.close();
      counter.step(); count = (count + 1) & 255;
      expect(counter.peek('count')).toBe(count);
      first.poke(p('u65'), mask(65)); first.step();
      expect(first.peekB(p('u65_q'))).toBe(mask(65));
    } finally {
      counter.close(); lfsr.close(); second.close();
    }
  });
});
