// The native simulator (sim/native: the IR compiled to JavaScript) as a harness engine.
import type { IrDesign } from '../dsl/ir.ts';
import type { Engine } from './engine.ts';
import { compileNative } from './native/index.ts';

export function nativeEngine(design: IrDesign, opts: { clocks: { port: string; periodPs: number }[] }): Engine {
  const b = compileNative(design);
  const main = opts.clocks[0]?.port;
  let time = 0;
  let waves = false;
  const clockLevel = new Map(opts.clocks.map((c) => [c.port, b.port(c.port)]));
  const edges = (clocks: string[]) => {
    const multi = (b as { edges?: (c: string[]) => void }).edges;
    if (multi && clocks.length > 1) multi.call(b, clocks);
    else for (const c of clocks) b.edge(c);
  };
  return {
    kind: 'native',
    ports: b.ports.map((p) => ({ name: p.name, dir: p.dir, width: p.width, signed: p.signed })),
    port: (name) => b.port(name),
    eval: () => b.eval(),
    tick() {
      if (!main) { b.eval(); return; }
      const period = opts.clocks[0]!.periodPs;
      // The clock's level only matters to the waveform: low from mid-cycle, rising at the end of the cycle.
      if (waves) { clockLevel.get(main)!.set(0); b.dumpWaves?.(time + period / 2); }
      time += period;
      if (waves) clockLevel.get(main)!.set(1);
      b.edge(main);
      if (waves) b.dumpWaves?.(time);
    },
    rise(clocks, t) {
      time = t;
      for (const c of clocks) clockLevel.get(c)!.set(1);
      edges(clocks);
      if (waves) b.dumpWaves?.(t);
    },
    fall(clocks, t) {
      time = t;
      for (const c of clocks) clockLevel.get(c)!.set(0);
      if (waves) { b.eval(); b.dumpWaves?.(t); }
    },
    openWaves(file) { b.openWaves?.(file); waves = true; b.dumpWaves?.(time); },
    closeWaves() { if (waves) b.closeWaves?.(); waves = false; },
    dispose: () => b.dispose(),
  };
}
