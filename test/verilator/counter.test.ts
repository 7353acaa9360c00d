// The 32-bit counter: per-cycle drive from TS, native loops, cycle counting, the build cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type VerilatedModel } from '../../sim/verilator/index.ts';
import { counterSpec } from './designs.ts';

describe('verilator counter', () => {
  let m: VerilatedModel;
  beforeAll(async () => {
    m = await buildModel(counterSpec());
  });
  afterAll(() => m?.dispose());

  it('counts with enable and synchronous reset', () => {
    const rst = m.portN('rst');
    const en = m.portN('en');
    const q = m.portN('q');
    rst.set(1);
    m.tick();
    expect(q.get()).toBe(0);
    rst.set(0);
    en.set(1);
    for (let i = 1; i <= 100; i++) {
      m.tick();
      expect(q.get()).toBe(i);
    }
    en.set(0);
    m.tick();
    m.tick();
    expect(q.get()).toBe(100);
    en.set(1);
    m.tick();
    expect(q.get()).toBe(101);
    rst.set(1); // synchronous: takes effect at the next edge only
    m.eval();
    expect(q.get()).toBe(101);
    m.tick();
    expect(q.get()).toBe(0);
  });

  it('counts cycles and time over tick, runCycles and the stream loop', () => {
    const c0 = m.cycles;
    const t0 = m.timePs;
    m.portN('rst').set(0);
    m.portN('en').set(1);
    const q0 = m.portN('q').get();
    m.tick();
    expect(m.runCycles(1000)).toBe(1000);
    const r = m.runStreams([], [], { maxCycles: 500, stopWhenDone: false });
    expect(r.status).toBe('maxCycles');
    expect(r.cycles).toBe(500);
    expect(m.cycles - c0).toBe(1501);
    expect(m.timePs - t0).toBe(1501 * 10_000);
    expect(m.portN('q').get()).toBe((q0 + 1501) >>> 0);
  });

  it('wraps at 32 bits', () => {
    const q = m.portN('q');
    m.portN('rst').set(1);
    m.tick();
    m.portN('rst').set(0);
    // The output is a model output; write it anyway to jump close to the wrap (the register holds it).
    q.set(0xfffffffe);
    m.tick();
    expect(q.get()).toBe(0xffffffff);
    m.tick();
    expect(q.get()).toBe(0);
  });

  it('is a cache hit the second time, without running the compiler', async () => {
    const again = await buildModel(counterSpec());
    try {
      expect(again.build.cached).toBe(true);
      expect(again.build.hash).toBe(m.build.hash);
      expect(again.build.ms).toBeLessThan(1000);
      // A second live instance of the same shared object is independent of the first.
      again.portN('en').set(1);
      again.portN('rst').set(1);
      again.tick();
      again.portN('rst').set(0);
      const before = m.portN('q').get();
      again.runCycles(7);
      expect(again.portN('q').get()).toBe(7);
      expect(m.portN('q').get()).toBe(before);
    } finally {
      again.dispose();
    }
  });

  it('disposes: port views become empty and calls throw', async () => {
    const x = await buildModel(counterSpec());
    const q = x.portN('q');
    x.dispose();
    expect(q.array.length).toBe(0);
    expect(() => x.tick()).toThrow(/disposed|no default clock/);
    x.dispose(); // twice is fine
  });
});
