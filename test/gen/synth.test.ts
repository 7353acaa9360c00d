// Memories are inferred as block RAM: a 4 KiB memory maps to RAMB18/RAMB36 on Xilinx and SB_RAM40_4K on iCE40.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineModule, input, output, UInt, Bool } from '../../dsl/index.ts';
import { design } from '../../gen/design.ts';
import { generate, writeDesigns } from '../../gen/write.ts';
import { synthDesign } from '../../gen/synth.ts';
import { Counter } from '../../examples/counter.ts';

/** `stages` registers in a row, each loading a 4-input function of the one before (one LUT level per stage). */
const Pipeline = defineModule('pipeline', (m, p: { stages: number }) => {
  const io = m.io({ a: input(UInt(8)), y: output(UInt(8)) });
  let x = io.a as import('../../dsl/index.ts').Sig;
  for (let i = 0; i < p.stages; i++) {
    const r = m.reg(UInt(8), { reset: 0, name: `stage${i}` });
    r.set(x.xor(x.shr(1)).xor(x.shr(2)).xor(x.shr(3)));
    x = r;
  }
  io.y.set(x);
  return io;
}, { stages: 2 });

const Ram = defineModule('ram', (m, p: { width: number; depth: number }) => {
  const io = m.io({
    we: input(Bool), waddr: input(UInt(Math.log2(p.depth))), wdata: input(UInt(p.width)),
    raddr: input(UInt(Math.log2(p.depth))), rdata: output(UInt(p.width)),
  });
  const store = m.memory(p.width, p.depth);
  store.write(io.waddr, io.wdata, { enable: io.we });
  io.rdata.set(store.read(io.raddr));
  return io;
}, { width: 32, depth: 1024 });

describe('block RAM inference', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-synth-'));
  const [entry] = writeDesigns(dir, [generate(design('ram4k', '4 KiB memory', Ram))]);

  it('synth_xilinx maps a 4 KiB memory to RAMB cells', () => {
    const r = synthDesign(dir, entry!, 'xilinx');
    const ramb = Object.entries(r.ramCells).filter(([t]) => /^RAMB(18|36)/.test(t));
    expect(ramb.length, JSON.stringify(r.byType)).toBeGreaterThan(0);
    expect(r.luts).toBeLessThan(50);
  });

  it('synth_ice40 maps it to SB_RAM40_4K cells', () => {
    const r = synthDesign(dir, entry!, 'ice40');
    expect(r.ramCells.SB_RAM40_4K ?? 0, JSON.stringify(r.byType)).toBe(8);
  });

  it('logic depth is the longest path between registers: more pipeline stages do not add to it', () => {
    const depthOf = (stages: number) => {
      const [c] = writeDesigns(dir, [generate(design(`pipe${stages}`, 'pipeline', Pipeline, { stages }))]);
      return synthDesign(dir, c!, 'xilinx').depth!;
    };
    const short = depthOf(2), long = depthOf(8);
    expect(short).toBeGreaterThan(0);
    expect(short).toBeLessThanOrEqual(4);
    expect(long).toBe(short);
  });

  it('reports flip-flops, LUTs and a logic depth', () => {
    const [c] = writeDesigns(dir, [generate(design('counter16', 'counter', Counter, { width: 16 }))]);
    const r = synthDesign(dir, c!, 'xilinx');
    expect(r.ffs).toBe(16);
    expect(r.luts).toBeGreaterThan(0);
    expect(r.depth).toBeGreaterThan(0);
  });
});
