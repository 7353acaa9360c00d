// One test per error class: the message names the signals, and the location is the TS line that caused it.
import { describe, it, expect } from 'vitest';
import {
  defineModule, elaborate, input, output, UInt, SInt, Bool, when, HdlError, synchronize, mux,
} from '../../dsl/index.ts';

const here = 'test/dsl/errors.test.ts';

/** Elaborates and returns the HdlError thrown, failing the test when none is. */
function errorOf(fn: () => unknown): HdlError {
  try { fn(); } catch (e) {
    if (e instanceof HdlError) return e;
    throw e;
  }
  throw new Error('expected an HdlError');
}

/** The line of the first source line in this file containing `marker`. */
import fs from 'node:fs';
const src = fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n');
const lineOf = (marker: string) => src.findIndex((l) => l.includes(marker)) + 1;

describe('DSL errors name the signal and the TS file:line:col', () => {
  it('width mismatch on an operator', () => {
    const e = errorOf(() => elaborate(defineModule('w1', (m) => {
      const io = m.io({ a: input(UInt(8)), b: input(UInt(9)), y: output(UInt(8)) });
      io.y.set(io.a.add(io.b)); // MARK-width-op
      return io;
    })));
    expect(e.kind).toBe('width');
    expect(e.message).toMatch(/operand types differ: UInt\(8\) vs UInt\(9\)/);
    expect(e.message).toMatch(/\ba: UInt\(8\).*\bb: UInt\(9\)/);
    expect(e.loc?.file.endsWith(here)).toBe(true);
    expect(e.loc?.line).toBe(lineOf('MARK-width-op'));
    expect(e.message.startsWith(`${here}:${lineOf('MARK-width-op')}:`)).toBe(true);
  });

  it('width mismatch on assignment (no silent truncation)', () => {
    const e = errorOf(() => elaborate(defineModule('w2', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(4)) });
      io.y.set(io.a); // MARK-width-assign
      return io;
    })));
    expect(e.kind).toBe('width');
    expect(e.message).toMatch(/cannot assign UInt\(8\) to 'y' of type UInt\(4\)/);
    expect(e.loc?.line).toBe(lineOf('MARK-width-assign'));
  });

  it('a literal that does not fit', () => {
    const e = errorOf(() => elaborate(defineModule('w3', (m) => {
      const io = m.io({ a: input(SInt(4)), y: output(SInt(4)) });
      io.y.set(io.a.add(8)); // MARK-lit
      return io;
    })));
    expect(e.message).toMatch(/literal 8 does not fit in SInt\(4\) \(range -8\.\.7\)/);
    expect(e.loc?.line).toBe(lineOf('MARK-lit'));
  });

  it('combinational loop lists the loop', () => {
    const e = errorOf(() => elaborate(defineModule('loop', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(8)) });
      const first = m.wire(UInt(8));
      const second = first.add(io.a);
      first.set(second.xor(1)); // MARK-loop
      io.y.set(second);
      return io;
    })));
    expect(e.kind).toBe('loop');
    expect(e.message).toMatch(/combinational loop through/);
    expect(e.message).toMatch(/first/);
    expect(e.message).toMatch(/second/);
    expect(e.message).toContain(here);
  });

  it('undriven output', () => {
    const e = errorOf(() => elaborate(defineModule('undriven', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(8)), z: output(UInt(8)) }); // MARK-undriven
      io.y.set(io.a);
      return io;
    })));
    expect(e.kind).toBe('undriven');
    expect(e.message).toMatch(/output 'z' is never driven/);
    expect(e.loc?.line).toBe(lineOf('MARK-undriven'));
  });

  it('undriven wire', () => {
    const e = errorOf(() => elaborate(defineModule('undriven2', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(8)) });
      const lonely = m.wire(UInt(8)); // MARK-undriven-wire
      io.y.set(lonely.add(io.a));
      return io;
    })));
    expect(e.message).toMatch(/wire 'lonely' is never driven/);
    expect(e.loc?.line).toBe(lineOf('MARK-undriven-wire'));
  });

  it('multiple drivers: assigning an instance output', () => {
    const Child = defineModule('child', (m) => {
      const io = m.io({ a: input(UInt(8)), q: output(UInt(8)) });
      io.q.set(io.a);
      return io;
    });
    const e = errorOf(() => elaborate(defineModule('parent', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(8)) });
      const kid = m.instance(Child);
      kid.a.set(io.a);
      (kid.q as unknown as { set(v: unknown): void }).set(io.a); // MARK-multi
      io.y.set(kid.q);
      return io;
    })));
    expect(e.kind).toBe('driver');
    expect(e.message).toMatch(/multiple drivers: 'kid.q' is driven by its instance and by this assignment/);
    expect(e.loc?.line).toBe(lineOf('MARK-multi'));
  });

  it('driving an input', () => {
    const e = errorOf(() => elaborate(defineModule('drivein', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(8)) });
      (io.a as unknown as { set(v: unknown): void }).set(3); // MARK-drive-in
      io.y.set(io.a);
      return io;
    })));
    // Inputs are read-only in the types; the runtime check catches casts and JS callers.
    expect(e.kind).toBe('driver');
    expect(e.message).toMatch(/cannot drive input 'a'/);
    expect(e.loc?.line).toBe(lineOf('MARK-drive-in'));
  });

  it("using a signal of another module", () => {
    let leaked: import('../../dsl/index.ts').Sig | undefined;
    const Leaky = defineModule('leaky', (m) => {
      const io = m.io({ a: input(UInt(8)), q: output(UInt(8)) });
      leaked = io.a;
      io.q.set(io.a);
      return io;
    });
    const e = errorOf(() => elaborate(defineModule('thief', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(8)) });
      const kid = m.instance(Leaky);
      kid.a.set(io.a);
      io.y.set(kid.q.add(leaked!)); // MARK-foreign
      return io;
    })));
    expect(e.kind).toBe('foreign');
    expect(e.message).toMatch(/'a' belongs to module 'leaky'/);
    expect(e.loc?.line).toBe(lineOf('MARK-foreign'));
  });

  it('incomplete combinational assignment would infer a latch', () => {
    const e = errorOf(() => elaborate(defineModule('latchy', (m) => {
      const io = m.io({ sel: input(Bool), a: input(UInt(8)), y: output(UInt(8)) });
      const picked = m.wire(UInt(8));
      when(io.sel, () => picked.set(io.a)); // MARK-latch
      io.y.set(picked);
      return io;
    })));
    expect(e.kind).toBe('latch');
    expect(e.message).toMatch(/'picked' is not assigned on every path and would infer a latch/);
    expect(e.loc?.line).toBe(lineOf('MARK-latch'));
  });

  it('when/otherwise that assigns on every path is complete', () => {
    expect(() => elaborate(defineModule('complete', (m) => {
      const io = m.io({ sel: input(Bool), a: input(UInt(8)), y: output(UInt(8)) });
      const picked = m.wire(UInt(8));
      when(io.sel, () => picked.set(io.a)).otherwise(() => picked.set(0));
      io.y.set(picked);
      return io;
    }))).not.toThrow();
  });

  it('a register of one domain read directly by logic in another', () => {
    const e = errorOf(() => elaborate(defineModule('cdc', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(8)) });
      const fast = m.domain('fast');
      const src = m.reg(UInt(8), { reset: 0 });
      src.set(io.a);
      const dst = m.reg(UInt(8), { reset: 0, domain: fast }); // MARK-cdc
      dst.set(src.add(1));
      io.y.set(dst);
      return io;
    })));
    expect(e.kind).toBe('cdc');
    expect(e.message).toMatch(/register 'dst' in clock domain 'fast' reads 'src' of domain 'default' directly/);
    expect(e.loc?.line).toBe(lineOf('MARK-cdc'));
  });

  it('synchronize() is the way across', () => {
    expect(() => elaborate(defineModule('cdc_ok', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(8)) });
      const fast = m.domain('fast');
      const src = m.reg(UInt(8), { reset: 0 });
      src.set(io.a);
      const synced = synchronize(src, fast);
      const dst = m.reg(UInt(8), { reset: 0, domain: fast });
      dst.set(synced.add(1));
      io.y.set(dst);
      return io;
    }))).not.toThrow();
  });

  it('mux arms of different types', () => {
    const e = errorOf(() => elaborate(defineModule('muxw', (m) => {
      const io = m.io({ s: input(Bool), a: input(UInt(8)), b: input(SInt(8)), y: output(UInt(8)) });
      io.y.set(mux(io.s, io.a, io.b)); // MARK-mux
      return io;
    })));
    expect(e.message).toMatch(/mux arms differ: UInt\(8\) vs SInt\(8\)/);
    expect(e.loc?.line).toBe(lineOf('MARK-mux'));
  });

  it('slice outside the signal', () => {
    const e = errorOf(() => elaborate(defineModule('slicer', (m) => {
      const io = m.io({ a: input(UInt(8)), y: output(UInt(4)) });
      io.y.set(io.a.slice(9, 6)); // MARK-slice
      return io;
    })));
    expect(e.message).toMatch(/slice \[9:6\] is outside UInt\(8\)/);
    expect(e.loc?.line).toBe(lineOf('MARK-slice'));
  });

  it('hardware outside a module body', () => {
    expect(() => input(UInt(8)) && (null as unknown as { x: 1 })).not.toThrow();
    const e = errorOf(() => { const x = { v: 0 }; void x; return (mux as (c: boolean, a: number, b: number) => unknown)(true, 1, 2); });
    expect(e.message).toMatch(/hardware can only be built inside a module body|at least one arm/);
  });

  it('a port named with a Verilog keyword (ports keep their names, so no silent renaming)', () => {
    const e = errorOf(() => elaborate(defineModule('kw', (m) => {
      const io = m.io({ input: input(UInt(8)), y: output(UInt(8)) }); // MARK-keyword
      io.y.set(io.input);
      return io;
    })));
    expect(e.kind).toBe('name');
    expect(e.message).toMatch(/port 'input' is a Verilog\/SystemVerilog keyword/);
    expect(e.loc?.line).toBe(lineOf('MARK-keyword'));
  });
});
