// Register reset values shaped like the register: one constant for all leaves, an array for a Vec, an object
// for a Struct; wrong shapes are errors at the register's TS line.
import { describe, it, expect } from 'vitest';
import { defineModule, elaborate, input, output, UInt, Bool, Vec, Struct, HdlError, when } from '../../dsl/index.ts';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';

const Regs = defineModule('reset_shapes', (m) => {
  const io = m.io({ go: input(Bool), v: output(Vec(UInt(8), 3)), s: output(Struct({ a: UInt(4), b: Vec(Bool, 2) })), all: output(Vec(UInt(4), 2)) });
  const v = m.reg(Vec(UInt(8), 3), { reset: [7, 8, 9] });
  const s = m.reg(Struct({ a: UInt(4), b: Vec(Bool, 2) }), { reset: { a: 5, b: [true, false] } });
  const all = m.reg(Vec(UInt(4), 2), { reset: 3 });
  when(io.go, () => { v.forEach((r) => r.set(0)); s.a.set(0); s.b.forEach((b) => b.set(false)); all.forEach((r) => r.set(0)); });
  v.forEach((r, i) => io.v[i]!.set(r));
  io.s.a.set(s.a); s.b.forEach((b, i) => io.s.b[i]!.set(b));
  all.forEach((r, i) => io.all[i]!.set(r));
  return io;
});

describe.each(simBackends())('register reset shapes (%s)', (backend) => {
  it('an array resets each Vec element, an object each Struct field, a constant every leaf', async () => {
    const sim = await simulate(Regs, {}, { backend });
    try {
      sim.reset();
      expect([0, 1, 2].map((i) => sim.peekN(`v_${i}` as never))).toEqual([7, 8, 9]);
      expect([sim.peekN('s_a' as never), sim.peekN('s_b_0' as never), sim.peekN('s_b_1' as never)]).toEqual([5, 1, 0]);
      expect([sim.peekN('all_0' as never), sim.peekN('all_1' as never)]).toEqual([3, 3]);
      sim.poke('go' as never, 1);
      sim.step();
      expect(sim.peekN('v_2' as never)).toBe(0);
      sim.poke('go' as never, 0);
      sim.reset();
      expect(sim.peekN('v_2' as never)).toBe(9);
    } finally { sim.close(); }
  });
});

describe('reset shape errors', () => {
  const errorOf = (body: Parameters<typeof defineModule>[1]) => {
    try { elaborate(defineModule('bad_reset', body)); } catch (e) { if (e instanceof HdlError) return e; throw e; }
    throw new Error('expected an HdlError');
  };
  it('an array of the wrong length for a Vec', () => {
    const e = errorOf((m) => { const io = m.io({ y: output(UInt(8)) }); const r = m.reg(Vec(UInt(8), 3), { reset: [1, 2] }); r.forEach((x) => x.set(x)); io.y.set(r[0]!); return io; });
    expect(e.message).toMatch(/reset array has 2 elements for a Vec of 3/);
    expect(e.loc?.file.endsWith('test/dsl/reset.test.ts')).toBe(true);
  });
  it('a field the Struct does not have', () => {
    const e = errorOf((m) => {
      const io = m.io({ y: output(UInt(4)) });
      const r = m.reg(Struct({ a: UInt(4) }), { reset: { a: 1, c: 2 } as never });
      r.a.set(r.a); io.y.set(r.a); return io;
    });
    expect(e.message).toMatch(/reset value names 'c'/);
  });
  it('an array for a Struct is a type error and a runtime error', () => {
    const e = errorOf((m) => {
      const io = m.io({ y: output(UInt(4)) });
      // @ts-expect-error a Struct's reset is an object, not an array
      const r = m.reg(Struct({ a: UInt(4) }), { reset: [1] });
      r.a.set(r.a); io.y.set(r.a); return io;
    });
    expect(e.message).toMatch(/an array reset value for a struct/);
  });
});
