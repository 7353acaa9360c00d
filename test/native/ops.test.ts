// Every operator at widths {1, 7, 31, 32, 33, 53, 64, 65, 130}, signed and unsigned, with random and edge
// values: the native simulator's result must equal evalOp's (through the node-by-node reference).
import { describe, expect, it } from 'vitest';
import { defineModule, elaborate, input, output, UInt, SInt, Bool, mux, cat, lit, type Sig, type Wire, type IrDesign } from '../../dsl/index.ts';
import { compileNative } from '../../sim/native/index.ts';
import { RefSim } from './reference.ts';
import { prng } from './harness.ts';

const WIDTHS = [1, 7, 31, 32, 33, 53, 64, 65, 130];
const AMOUNT_WIDTHS = [1, 3, 6, 7, 8, 31, 33, 65];
const VECTORS = 100;

type Ins = { a: Sig; b: Sig; c: Sig; u: Record<number, Sig> };
/** For one operand type: named outputs computing the operator under test. */
type Case = (x: Ins, w: number, s: boolean) => [string, Sig][];

const T = (w: number, s: boolean) => (s ? SInt(w) : UInt(w));
const konst = (w: number, s: boolean, seed: number) => {
  const r = prng(seed * 7919 + w);
  let v = r.value(w);
  if (s && (v >> BigInt(w - 1)) & 1n) v -= 1n << BigInt(w);
  return lit(v, T(w, s));
};
const binary = (op: 'add' | 'sub' | 'mul' | 'and' | 'or' | 'xor' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'): Case => (x, w, s) => [
  ['ab', x.a[op](x.b)], ['aa', x.a[op](x.a)], ['ak', x.a[op](konst(w, s, 1))], ['ka', konst(w, s, 2)[op](x.a)],
];
const unary = (f: (a: Sig) => Sig): Case => (x) => [['a', f(x.a)]];
const shifts = (w: number) => [...new Set([0, 1, w - 1, w, w + 5, 31, 32, 33, 64].filter((k) => k >= 0))];

const CASES: Record<string, Case> = {
  add: binary('add'), sub: binary('sub'), mul: binary('mul'),
  and: binary('and'), or: binary('or'), xor: binary('xor'),
  eq: binary('eq'), ne: binary('ne'), lt: binary('lt'), le: binary('le'), gt: binary('gt'), ge: binary('ge'),
  addWide: (x, _w, s) => [['ab', x.a.addWide(x.b)], ['ac', x.a.addWide(s ? x.c.asSInt() : x.c)]],
  subWide: (x, _w, s) => [['ab', x.a.subWide(x.b)], ['ca', (s ? x.c.asSInt() : x.c).subWide(x.a)]],
  mulWide: (x, w) => (w <= 65 ? [['ab', x.a.mulWide(x.b)], ['aa', x.a.mulWide(x.a)]] : []),
  neg: unary((a) => a.neg()), not: unary((a) => a.not()),
  andR: unary((a) => a.andR()), orR: unary((a) => a.orR()), xorR: unary((a) => a.xorR()),
  shl: (x, w) => shifts(w).map((k) => [`k${k}`, x.a.shl(k)]),
  shr: (x, w) => shifts(w).map((k) => [`k${k}`, x.a.shr(k)]),
  dshl: (x) => AMOUNT_WIDTHS.map((aw) => [`u${aw}`, x.a.shl(x.u[aw]!)]),
  dshr: (x) => AMOUNT_WIDTHS.map((aw) => [`u${aw}`, x.a.shr(x.u[aw]!)]),
  bit: (x, w) => [...new Set([0, w - 1, w >> 1])].map((i) => [`i${i}`, x.a.bit(i)]),
  dbit: (x) => AMOUNT_WIDTHS.map((aw) => [`u${aw}`, x.a.bit(x.u[aw]!)]),
  slice: (x, w) => {
    const r: [number, number][] = [[w - 1, 0], [w - 1, w >> 1], [Math.min(w - 1, 40), Math.min(w - 1, 5)], [w >> 1, w >> 1], [Math.min(w - 1, 31), 0], [Math.min(w - 1, 63), Math.min(w - 1, 32)]];
    return r.map(([hi, lo]) => [`s${hi}_${lo}`, x.a.slice(hi, lo)]);
  },
  cat: (x, w, s) => [['ab', cat(x.a, x.b)], ['acb', cat(x.a, x.c, x.b)], ['ca', cat(x.c, x.a)], ['kak', cat(konst(w, s, 3), x.a, konst(3, false, 4))]],
  rep: (x, w) => [...new Set([1, 2, 3, Math.max(1, Math.floor(130 / w))])].map((n) => [`n${n}`, x.a.rep(n)]),
  zext: (x, w) => [...new Set([w, w + 1, 32, 33, 64, 65, 130].filter((t) => t >= w))].map((t) => [`w${t}`, x.a.zext(t)]),
  sext: (x, w) => [...new Set([w, w + 1, 32, 33, 64, 65, 130].filter((t) => t >= w))].map((t) => [`w${t}`, x.a.sext(t)]),
  trunc: (x, w) => [...new Set([1, w >> 1 || 1, w])].map((t) => [`w${t}`, x.a.trunc(t)]),
  asSInt: unary((a) => a.asSInt()), asUInt: unary((a) => a.asUInt()),
  mux: (x, w, s) => [['cab', mux(x.c, x.a, x.b)], ['cak', mux(x.c, x.a, konst(w, s, 5))], ['kab', mux(lit(1, Bool), x.a, x.b)]],
};

/** Builds the op module in two passes: the first finds the result types, the second declares outputs. */
function build(name: string, c: Case): { design: IrDesign; outs: { name: string; width: number }[] } {
  let shapes: { name: string; w: number; s: boolean }[] = [];
  const body = (declare: boolean) => defineModule(`op_${name}${declare ? '' : '_probe'}`, (m) => {
    const spec: Record<string, unknown> = {};
    for (const w of WIDTHS) for (const s of [false, true]) {
      const k = `${s ? 's' : 'u'}${w}`;
      spec[`${k}_a`] = input(T(w, s)); spec[`${k}_b`] = input(T(w, s));
    }
    spec.c = input(Bool);
    for (const aw of AMOUNT_WIDTHS) spec[`amt${aw}`] = input(UInt(aw));
    if (declare) for (const o of shapes) spec[o.name] = output(T(o.w, o.s));
    else spec.dummy = output(Bool);
    const io = m.io(spec as never) as Record<string, Sig>;
    const u = Object.fromEntries(AMOUNT_WIDTHS.map((aw) => [aw, io[`amt${aw}`]!]));
    const found: { name: string; w: number; s: boolean }[] = [];
    for (const w of WIDTHS) for (const s of [false, true]) {
      const k = `${s ? 's' : 'u'}${w}`;
      for (const [n, sig] of c({ a: io[`${k}_a`]!, b: io[`${k}_b`]!, c: io.c!, u }, w, s)) {
        const oname = `o_${k}_${n}`;
        found.push({ name: oname, w: sig.width, s: sig.signed });
        if (declare) (io[oname] as Wire).set(sig);
      }
    }
    if (!declare) { (io.dummy as Wire).set(io.c!); shapes = found; }
    return io;
  });
  elaborate(body(false));
  const design = elaborate(body(true));
  return { design, outs: shapes.map((o) => ({ name: o.name, width: o.w })) };
}

describe.each(['words', 'bigint'] as const)('native operators match evalOp (wide values as %s)', (wide) => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, () => {
      const { design, outs } = build(name, c);
      expect(outs.length).toBeGreaterThan(0);
      const sim = compileNative(design, { wide });
      const ref = new RefSim(design);
      const rnd = prng(name.length * 131 + name.charCodeAt(0));
      const ins = design.top.ports.filter((p) => p.dir === 'in' && !p.domainPort);
      const acc = new Map(design.top.ports.map((p) => [p.name, sim.port(p.name)]));
      let checked = 0;
      for (let v = 0; v < VECTORS; v++) {
        for (const p of ins) {
          const x = rnd.value(p.node.width);
          ref.set(p.name, x);
          acc.get(p.name)!.set(p.node.width <= 32 ? Number(x) : x);
        }
        for (const o of outs) {
          const got = acc.get(o.name)!.get();
          expect(typeof got).toBe(o.width <= 32 ? 'number' : 'bigint');
          const pattern = BigInt.asUintN(o.width, BigInt(got));
          const want = ref.get(o.name);
          if (pattern !== want) {
            const inputs = ins.map((p) => `${p.name}=0x${ref.get(p.name).toString(16)}`).join(' ');
            throw new Error(`${o.name}: native 0x${pattern.toString(16)} != evalOp 0x${want.toString(16)} for ${inputs}`);
          }
          checked++;
        }
      }
      expect(checked).toBe(VECTORS * outs.length);
    });
  }
});
