// Clear failures: bad Verilog, spec/Verilog port mismatch, missing verilator, $finish/$stop/$fatal.
import { describe, expect, it } from 'vitest';
import { buildModel, modelHash } from '../../sim/verilator/index.ts';
import { counterSpec, oscillatorSpec, stopperSpec } from './designs.ts';

describe('verilator build errors', () => {
  it('reports a Verilog error with the message and the source file path', async () => {
    const spec = counterSpec(1, 'broken');
    spec.files[0]!.text = spec.files[0]!.text.replace('q <= 32\'d0;', 'q <= 32\'d0 +;');
    const err = await buildModel(spec).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/Verilator failed for top 'broken'/);
    expect(err!.message).toMatch(/%Error: \/\S+\/broken\.v:\d+:\d+: syntax error/);
    expect(err!.message).toMatch(/Verilog sources: \/\S+\/broken\.v/);
  });

  it('reports ports that do not match the spec', async () => {
    const spec = counterSpec(1, 'mismatch');
    spec.ports = spec.ports.map((p) => (p.name === 'q' ? { ...p, width: 16 } : p)).filter((p) => p.name !== 'en');
    spec.ports.push({ name: 'extra', dir: 'in', width: 1 });
    await expect(buildModel(spec)).rejects.toThrow(
      /port 'q': spec width 16, Verilog width 32[\s\S]*'extra' is in the spec but not[\s\S]*'en' of module mismatch is missing/,
    );
  });

  it('says how to install verilator when it is missing', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent-dir';
    try {
      expect(() => modelHash(counterSpec())).toThrow(/verilator not found.*apt-get install verilator.*scripts\/setup\.sh/);
      await expect(buildModel(counterSpec())).rejects.toThrow(/apt-get install verilator/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('gives a different hash to changed Verilog, the same to the same', () => {
    const a = counterSpec(1);
    const b = counterSpec(1);
    b.files[0]!.text += '// a comment\n';
    expect(modelHash(counterSpec(1))).toBe(modelHash(a));
    expect(modelHash(b)).not.toBe(modelHash(a));
    expect(modelHash({ ...a, trace: 'fst' })).not.toBe(modelHash(a));
    expect(modelHash(a, { opt: '-O1' })).not.toBe(modelHash(a));
  });
});

describe('verilator models that stop', () => {
  it('$finish is reported as an error instead of exiting the process', async () => {
    const m = await buildModel(stopperSpec('$finish', 5));
    try {
      const n = m.portN('n');
      let ticks = 0;
      expect(() => {
        for (; ticks < 100; ticks++) m.tick();
      }).toThrow(/Verilog \$finish at stopper_finish\.v:\d+/);
      expect(ticks).toBe(5);
      expect(n.get()).toBe(6);
      expect(m.stopped).toMatch(/\$finish/);
      // Still stopped: later calls report again rather than running a finished model.
      expect(() => m.tick()).toThrow(/\$finish/);
      expect(() => m.runCycles(10)).toThrow(/\$finish/);
    } finally {
      m.dispose();
    }
  });

  it('$finish inside runCycles and the stream loop stops them', async () => {
    const m = await buildModel(stopperSpec('$finish', 5));
    try {
      expect(() => m.runCycles(1000)).toThrow(/\$finish.*cycle 5/);
      expect(m.cycles).toBe(5);
    } finally {
      m.dispose();
    }
  });

  it('$fatal is reported with its location', async () => {
    const m = await buildModel(stopperSpec('$fatal', 3));
    try {
      expect(() => m.runStreams([], [], { maxCycles: 100, stopWhenDone: false })).toThrow(/stopper_fatal\.v:\d+/);
      expect(m.portN('n').get()).toBe(4);
    } finally {
      m.dispose();
    }
  });

  it('a model that does not converge throws instead of aborting the process', async () => {
    const m = await buildModel(oscillatorSpec());
    try {
      m.portN('en').set(1);
      expect(() => m.eval()).toThrow(/Verilator fatal error: .*converge/);
      expect(m.stopped).toMatch(/converge/);
    } finally {
      m.dispose();
    }
  });
});
