// The native simulator's features: ports API, blackbox rejection, memories, VCD waves, clock domains.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  blackbox, defineModule, elaborate, input, output, synchronize, Bool, SInt, UInt, when, type Wire,
} from '../../dsl/index.ts';
import { planModule } from '../../gen/plan.ts';
import { Counter } from '../../examples/counter.ts';
import { compileNative, NativeSimError } from '../../sim/native/index.ts';
import { RefSim } from './reference.ts';
import { lockstep, portInfo, backendSim } from './harness.ts';
import { refSim } from './check.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-native-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('ports', () => {
  const Io = defineModule('io_kinds', (m) => {
    const io = m.io({
      u5: input(UInt(5)), s5: input(SInt(5)), u32: input(UInt(32)), s32: input(SInt(32)), u33: input(UInt(33)), s70: input(SInt(70)),
      ou5: output(UInt(5)), os5: output(SInt(5)), ou32: output(UInt(32)), os32: output(SInt(32)), ou33: output(UInt(33)), os70: output(SInt(70)),
      k: output(SInt(8)),
    });
    io.ou5.set(io.u5); io.os5.set(io.s5); io.ou32.set(io.u32); io.os32.set(io.s32); io.ou33.set(io.u33); io.os70.set(io.s70);
    io.k.set(-3);
    return io;
  });
  const sim = compileNative(elaborate(Io));
  const p = (n: string) => sim.port(n);

  it('describes its ports', () => {
    expect(sim.kind).toBe('native');
    expect(sim.ports.find((x) => x.name === 's70')).toEqual({ name: 's70', dir: 'in', width: 70, signed: true });
    const c = compileNative(elaborate(Counter, { width: 8 }));
    expect(c.ports.filter((x) => x.clockOf).map((x) => [x.name, x.clockOf])).toEqual([['clk', 'default']]);
    expect(c.ports.filter((x) => x.resetOf).map((x) => [x.name, x.resetOf])).toEqual([['rst', 'default']]);
  });

  it('uses numbers up to 32 bits and bigints above; signed ports read signed', () => {
    p('u5').set(31); p('s5').set(-16); p('u32').set(0xffffffff); p('s32').set(-1); p('u33').set(5n); p('s70').set(-2n);
    expect(p('ou5').get()).toBe(31);
    expect(p('os5').get()).toBe(-16);
    expect(p('ou32').get()).toBe(0xffffffff);
    expect(p('os32').get()).toBe(-1);
    expect(p('ou33').get()).toBe(5n);
    expect(p('os70').get()).toBe(-2n);
    expect(p('k').get()).toBe(-3);
    expect(p('s5').get()).toBe(-16); // inputs read back by their type too
  });

  it('masks inputs to the width; negative values are two\'s complement; numbers and bigints both accepted', () => {
    p('u5').set(0x3f); expect(p('ou5').get()).toBe(0x1f);
    p('u5').set(-1); expect(p('ou5').get()).toBe(31);
    p('u5').set(33n); expect(p('ou5').get()).toBe(1);
    p('s5').set(17); expect(p('os5').get()).toBe(-15);
    p('u32').set(-1); expect(p('ou32').get()).toBe(0xffffffff);
    p('u32').set(2 ** 32 + 7); expect(p('ou32').get()).toBe(7);
    p('u33').set(-1); expect(p('ou33').get()).toBe((1n << 33n) - 1n);
    p('u33').set(12345); expect(p('ou33').get()).toBe(12345n);
    p('s70').set(1n << 69n); expect(p('os70').get()).toBe(-(1n << 69n));
  });

  it('rejects unknown ports, unknown clocks and setting outputs', () => {
    expect(() => sim.port('nope')).toThrow(/no port 'nope'/);
    expect(() => p('ou5').set(1)).toThrow(/output/);
    const c = compileNative(elaborate(Counter, { width: 8 }));
    expect(() => c.edge('clk2')).toThrow(/not a clock port/);
  });
});

describe('blackboxes', () => {
  const Ext = blackbox('ext_ram', { a: input(UInt(8)), q: output(UInt(8)) },
    'module ext_ram(input wire [7:0] a, output wire [7:0] q);\n  assign q = ~a;\nendmodule');
  it('rejects a design containing a blackbox, naming the module', () => {
    const Top = defineModule('bb_top', (m) => {
      const io = m.io({ a: input(UInt(8)), q: output(UInt(8)) });
      const u = m.instance(Ext);
      u.a.set(io.a);
      io.q.set(u.q);
      return io;
    });
    const d = elaborate(Top);
    expect(() => compileNative(d)).toThrow(NativeSimError);
    expect(() => compileNative(d)).toThrow(/module 'ext_ram' is a blackbox/);
  });
  it('rejects a blackbox top', () => {
    expect(() => compileNative(elaborate(Ext))).toThrow(/'ext_ram' is a blackbox/);
  });
});

describe('memories', () => {
  const Mem = defineModule('mem_features', (m) => {
    const io = m.io({
      wa: input(UInt(3)), wd32: input(UInt(32)), wm32: input(UInt(4)), wd64: input(UInt(64)), wm64: input(UInt(8)), we: input(Bool),
      ra: input(UInt(3)), q32: output(UInt(32)), q64: output(UInt(64)), qi: output(UInt(12)),
    });
    const m32 = m.memory(32, 8);
    const m64 = m.memory(64, 8);
    const rom = m.memory(12, 5, { init: [1, 2, 3, 4095] }); // depth 5: addresses 5..7 are out of range
    m32.write(io.wa, io.wd32, { enable: io.we, mask: io.wm32 });
    m64.write(io.wa, io.wd64, { enable: io.we, mask: io.wm64 });
    io.q32.set(m32.read(io.ra));
    io.q64.set(m64.read(io.ra));
    io.qi.set(rom.read(io.ra));
    return io;
  });
  const sim = compileNative(elaborate(Mem));
  const p = (n: string) => sim.port(n);

  it('starts from the initial contents (0 beyond them and out of range)', () => {
    const got: number[] = [];
    for (let a = 0; a < 8; a++) { p('ra').set(a); sim.edge('clk'); got.push(p('qi').get() as number); }
    expect(got).toEqual([1, 2, 3, 4095, 0, 0, 0, 0]);
  });

  it('writes bytes under the mask and reads before write', () => {
    p('we').set(1); p('wa').set(2); p('ra').set(2);
    p('wd32').set(0xaabbccdd); p('wm32').set(0xf); p('wd64').set(0x1122334455667788n); p('wm64').set(0xff);
    sim.edge('clk');
    expect(p('q32').get()).toBe(0); // read-before-write: the old word
    p('wd32').set(0x11223344); p('wm32').set(0b0101); p('wd64').set(0xffffffffffffffffn); p('wm64').set(0b10000001);
    sim.edge('clk');
    expect(p('q32').get()).toBe(0xaabbccdd);
    expect(p('q64').get()).toBe(0x1122334455667788n);
    p('we').set(0);
    sim.edge('clk');
    expect(p('q32').get()).toBe(0xaa22cc44);
    expect(p('q64').get()).toBe(0xff223344556677ffn);
    expect(sim.memories.map((x) => [x.width, x.depth])).toEqual([[32, 8], [64, 8], [12, 5]]);
    expect(sim.peekMemory(0, 2)).toBe(0xaa22cc44);
    expect(sim.peekMemory(1, 2)).toBe(0xff223344556677ffn);
    expect(sim.peekMemory(2, 3)).toBe(4095);
  });

  it('behaves the same with wide words as BigInts', () => {
    const b = compileNative(elaborate(Mem), { wide: 'bigint' });
    const q = (n: string) => b.port(n);
    q('we').set(1); q('wa').set(5); q('wd64').set(0x0102030405060708n); q('wm64').set(0b00001111);
    b.edge('clk');
    expect(b.peekMemory(1, 5)).toBe(0x05060708n);
  });
});

describe('waves (VCD)', () => {
  const Pair = defineModule('counter_pair', (m) => {
    const io = m.io({ en: input(Bool), a: output(UInt(8)), b: output(UInt(40)) });
    const u0 = m.instance(Counter, { width: 8 }, { name: 'fast' });
    const u1 = m.instance(Counter, { width: 40 }, { name: 'wide' });
    u0.enable.set(io.en); u0.clear.set(false);
    u1.enable.set(u0.wrap); u1.clear.set(false);
    io.a.set(u0.count);
    io.b.set(u1.count);
    return io;
  });

  it('writes scopes per instance, Verilog names and only changes', () => {
    const design = elaborate(Pair);
    const sim = compileNative(design);
    const file = path.join(tmp, 'pair.vcd');
    sim.port('rst').set(1);
    sim.edge('clk');
    sim.port('rst').set(0);
    sim.port('en').set(1);
    sim.openWaves(file);
    for (let t = 0; t < 600; t++) {
      sim.dumpWaves(t * 10_000);
      sim.edge('clk');
    }
    sim.dumpWaves(600 * 10_000);
    sim.closeWaves();
    const vcd = parseVcd(fs.readFileSync(file, 'utf8'));
    expect(vcd.timescale).toBe('1ps');
    // Scopes: the top and one per instance, named as in the Verilog.
    const topPlan = planModule(design.top);
    expect(vcd.scopes).toEqual(['counter_pair', 'counter_pair.fast', 'counter_pair.wide']);
    expect(new Set(vcd.vars.filter((v) => v.scope === 'counter_pair').map((v) => v.name))).toEqual(new Set(topPlan.names.values()));
    const childPlan = planModule(design.modules.find((x) => x.name === 'counter_width8')!);
    expect(new Set(vcd.vars.filter((v) => v.scope === 'counter_pair.fast').map((v) => v.name))).toEqual(new Set(childPlan.names.values()));
    expect(vcd.vars.find((v) => v.scope === 'counter_pair.fast' && v.name === 'value')?.width).toBe(8);
    expect(vcd.vars.find((v) => v.scope === 'counter_pair.wide' && v.name === 'value')?.width).toBe(40);
    // Values: dumped before each edge, the 8-bit counter reads t (wrapping); the 40-bit one counts its wraps.
    const a = vcd.history('counter_pair.a');
    expect(a.slice(0, 4)).toEqual([[0, 0n], [10_000, 1n], [20_000, 2n], [30_000, 3n]]);
    expect(a.find(([t]) => t === 300 * 10_000)?.[1]).toBe(BigInt(300 % 256));
    expect(a.length).toBe(601);
    const b = vcd.history('counter_pair.wide.value');
    expect(b.map(([t, v]) => [t / 10_000, v])).toEqual([[0, 0n], [256, 1n], [512, 2n]]);
    const wrap = vcd.history('counter_pair.fast.wrap');
    expect(wrap.map(([t, v]) => [t / 10_000, v])).toEqual([[0, 0n], [255, 1n], [256, 0n], [511, 1n], [512, 0n]]);
    // Only changes: no signal repeats its value at consecutive dumps.
    for (const [name, h] of vcd.all()) for (let i = 1; i < h.length; i++) expect(h[i]![1], name).not.toBe(h[i - 1]![1]);
  });

  it('refuses FST (it writes VCD)', () => {
    expect(() => compileNative(elaborate(Pair)).openWaves(path.join(tmp, 'x.fst'))).toThrow(/VCD only/);
  });

  it('keeps simulating identically with waves open and after closing them', () => {
    const design = elaborate(Pair);
    const ports = portInfo(compileNative(design).ports);
    const sim = compileNative(design);
    const dut = backendSim(sim, ports);
    sim.openWaves(path.join(tmp, 'again.vcd'));
    expect(lockstep(ports, refSim(design), dut, { cycles: 300, seed: 3 })).toBeUndefined();
    sim.closeWaves();
  });
});

describe('clock domains', () => {
  const Dual = defineModule('dual_clock', (m) => {
    const io = m.io({
      we: input(Bool), waddr: input(UInt(4)), wdata: input(UInt(16)), raddr: input(UInt(4)),
      na: output(UInt(16)), nb: output(UInt(16)), rdata: output(UInt(16)), seen: output(UInt(16)), sampled: output(UInt(16)),
    });
    const b = m.domain('b');
    const ca = m.reg(UInt(16), { reset: 0 });
    ca.set(ca.add(1));
    const cb = m.reg(UInt(16), { reset: 0, domain: b });
    cb.set(cb.add(1));
    const mem = m.memory(16, 16);
    mem.write(io.waddr, io.wdata, { enable: io.we });
    const rd = mem.read(io.raddr, { domain: b });
    const seen = synchronize(ca, b);
    // A register of b fed by a's counter only through the synchroniser's first stage (its raw sample).
    const first = m.reg(UInt(16), { domain: b }) as Wire;
    first.set(seen);
    when(io.we, () => { /* nothing: exercises an empty when */ });
    io.na.set(ca); io.nb.set(cb); io.rdata.set(rd); io.seen.set(seen); io.sampled.set(first);
    return io;
  });

  /** Rising edges of clk every 10 ns and of b_clk every 15 ns; coinciding edges (every 30 ns) are reported together. */
  function* schedule(endNs: number): Generator<[number, string[]]> {
    for (let t = 10; t <= endNs; t += 5) {
      const c: string[] = [];
      if (t % 10 === 0) c.push('clk');
      if (t % 15 === 0) c.push('b_clk');
      if (c.length) yield [t, c];
    }
  }

  it('counts each domain\'s edges and crosses through a dual-clock memory', () => {
    const sim = compileNative(elaborate(Dual));
    const p = (n: string) => sim.port(n);
    p('rst').set(1); p('b_rst').set(1);
    sim.edges(['clk', 'b_clk']);
    p('rst').set(0); p('b_rst').set(0);
    let na = 0, nb = 0;
    const written = new Map<number, number>();
    for (const [t, clocks] of schedule(3000)) {
      // Write an address in domain a; read a random earlier address in domain b.
      const wa = (t / 10) % 16, wd = (t * 7) & 0xffff;
      p('we').set(clocks.includes('clk') ? 1 : 0); p('waddr').set(wa); p('wdata').set(wd);
      const ra = (t * 3) % 16;
      p('raddr').set(ra);
      const expectRead = written.get(ra) ?? 0;
      sim.edges(clocks);
      if (clocks.includes('clk')) { na++; written.set(wa, wd); }
      if (clocks.includes('b_clk')) {
        nb++;
        // b reads before a's simultaneous write lands: the value written strictly earlier.
        expect(p('rdata').get()).toBe(expectRead);
      }
      expect([p('na').get(), p('nb').get()]).toEqual([na & 0xffff, nb & 0xffff]);
    }
    expect([na, nb]).toEqual([300, 200]);
  });

  it('coinciding edges sample pre-edge values in every domain (edges), unlike edge() one after another', () => {
    const simul = compileNative(elaborate(Dual));
    const seq = compileNative(elaborate(Dual));
    for (const s of [simul, seq]) { s.port('rst').set(1); s.port('b_rst').set(1); s.edge('clk'); s.edge('b_clk'); s.port('rst').set(0); s.port('b_rst').set(0); }
    // ca = 0 before; at a coinciding edge the synchroniser's first stage samples 0 (simultaneous) or 1 (a first);
    // one more b edge moves that sample to the synchroniser's output.
    simul.edges(['clk', 'b_clk']);
    seq.edge('clk'); seq.edge('b_clk');
    simul.edges(['b_clk']); seq.edge('b_clk');
    expect(simul.port('seen').get()).toBe(0);
    expect(seq.port('seen').get()).toBe(1);
    expect(simul.port('na').get()).toBe(1);
  });

  it('matches the reference interpreter over a two-clock schedule', () => {
    const design = elaborate(Dual);
    const sim = compileNative(design);
    const ref = new RefSim(design);
    const ins = design.top.ports.filter((x) => x.dir === 'in' && !x.domainPort).map((x) => x.name);
    const outs = design.top.ports.filter((x) => x.dir === 'out').map((x) => x.name);
    let seed = 1;
    for (const [, clocks] of schedule(6000)) {
      for (const n of ins) { seed = (seed * 1103515245 + 12345) >>> 0; const v = BigInt(seed >>> 8); ref.set(n, v); sim.port(n).set(v); }
      for (const r of ['rst', 'b_rst']) { const v = (seed & 0xff) === 7 ? 1n : 0n; ref.set(r, v); sim.port(r).set(v); }
      ref.edges(clocks); sim.edges(clocks);
      for (const o of outs) expect(BigInt(sim.port(o).get()), o).toBe(ref.get(o));
    }
  });
});

// A minimal VCD reader for the checks above.
function parseVcd(text: string) {
  const tokens = text.split(/\s+/).filter(Boolean);
  const scopes: string[] = [];
  const stack: string[] = [];
  const vars: { scope: string; name: string; width: number; id: string }[] = [];
  const changes = new Map<string, [number, bigint][]>();
  let timescale = '';
  let i = 0;
  let t = 0;
  while (i < tokens.length) {
    const tok = tokens[i++]!;
    if (tok === '$timescale') { timescale = tokens[i++]!; i++; continue; }
    if (tok === '$scope') { i++; stack.push(tokens[i++]!); scopes.push(stack.join('.')); i++; continue; }
    if (tok === '$upscope') { stack.pop(); i++; continue; }
    if (tok === '$var') {
      i++; const width = Number(tokens[i++]); const id = tokens[i++]!; const name = tokens[i++]!;
      while (tokens[i] !== '$end') i++;
      i++;
      vars.push({ scope: stack.join('.'), name, width, id });
      continue;
    }
    if (tok === '$date' || tok === '$version' || tok === '$comment') { while (tokens[i] !== '$end') i++; i++; continue; }
    if (tok === '$enddefinitions' || tok === '$dumpvars' || tok === '$end') { if (tok === '$enddefinitions') i++; continue; }
    if (tok.startsWith('#')) { t = Number(tok.slice(1)); continue; }
    let id: string, v: bigint;
    if (tok.startsWith('b')) { v = BigInt(`0b${tok.slice(1)}`); id = tokens[i++]!; } else { v = BigInt(tok[0]!); id = tok.slice(1); }
    const h = changes.get(id) ?? [];
    h.push([t, v]);
    changes.set(id, h);
  }
  const byName = new Map(vars.map((v) => [`${v.scope}.${v.name}`, v.id]));
  return {
    timescale, scopes, vars,
    history: (full: string) => changes.get(byName.get(full) ?? '') ?? [],
    all: () => [...changes.entries()],
  };
}
