// The native simulator (sim/native: the IR compiled to JavaScript) as a harness engine.
import type { IrDesign } from '../dsl/ir.ts';
import type { Engine } from './engine.ts';
import { compileNative } from './native/index.ts';

export function nativeEngine(design: IrDesign, opts: { clocks: { port: string; periodPs: number }[] }): Engine {
  const b = compileNative(design);
  const main = opts.clocks[0]?.port;
  let time = 0;
  let waves = false;
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
      if (waves) b.dumpWaves?.(time + period / 2);
      time += period;
      b.edge(main);
      if (waves) b.dumpWaves?.(time);
    },
    rise(clocks, t) { time = t; edges(clocks); if (waves) b.dumpWaves?.(t); },
    fall(_clocks, t) { time = t; if (waves) b.dumpWaves?.(t); },
    openWaves(file) { b.openWaves?.(file); waves = true; b.dumpWaves?.(time); },
    closeWaves() { if (waves) b.closeWaves?.(); waves = false; },
    dispose: () => b.dispose(),
  };
}
