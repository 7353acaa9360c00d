// Two clock domains stepped in time, and waveforms (FST) of them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type VerilatedModel } from '../../sim/verilator/index.ts';
import { counterSpec, twoClockSpec } from './designs.ts';

describe('verilator clocks and waves', () => {
  let m: VerilatedModel;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-waves-'));
  beforeAll(async () => {
    m = await buildModel(twoClockSpec('fst'));
  });
  afterAll(() => {
    m?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('steps two clocks at their own periods', () => {
    const na = m.portN('na');
    const nb = m.portN('nb');
    const rises: string[] = [];
    // clk_a: 10 ns, clk_b: 15 ns. In 30 ns: 3 rising edges of a (5, 15, 25 ns), 2 of b (7.5, 22.5 ns).
    m.stepTime(30_000, (c) => rises.push(`${c}@${m.timePs}`));
    expect(rises).toEqual(['clk_a@5000', 'clk_b@7500', 'clk_a@15000', 'clk_b@22500', 'clk_a@25000']);
    expect([na.get(), nb.get()]).toEqual([3, 2]);
    expect(m.timePs).toBe(30_000);
    expect(m.cycles).toBe(3); // the default clock is the first of spec.clocks
    // Edges that coincide (t = 45 ns: a falls and b rises... and 75 ns, 105 ns) are applied together.
    m.stepTime(270_000);
    expect([na.get(), nb.get()]).toEqual([30, 20]);
    expect(m.timePs).toBe(300_000);
  });

  it('writes a non-empty FST file', () => {
    const file = path.join(dir, 'two_clocks.fst');
    expect(m.openTrace(file)).toBe(file);
    m.stepTime(1_000_000);
    m.tick('clk_b');
    m.tick();
    expect(m.closeTrace()).toBe(file);
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(100);
    const head = fs.readFileSync(file).subarray(0, 1);
    expect(head[0]).toBe(0); // FST files start with a header block (type 0)
  });

  it('puts relative trace names under the waves folder', () => {
    const saved = process.env.TOE_WAVES_DIR;
    process.env.TOE_WAVES_DIR = dir;
    try {
      const p = m.openTrace('sub/x.fst');
      m.stepTime(50_000);
      m.closeTrace();
      expect(p).toBe(path.join(dir, 'sub', 'x.fst'));
      expect(fs.statSync(p).size).toBeGreaterThan(0);
    } finally {
      if (saved === undefined) delete process.env.TOE_WAVES_DIR;
      else process.env.TOE_WAVES_DIR = saved;
    }
  });

  it('refuses a trace on a model built without tracing', async () => {
    const c = await buildModel(counterSpec());
    try {
      expect(() => c.openTrace()).toThrow(/built without tracing/);
    } finally {
      c.dispose();
    }
  });
});
