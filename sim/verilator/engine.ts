// The Verilator back end as a harness engine: the emitted Verilog built into an in-process model.
import type { IrDesign } from '../../dsl/ir.ts';
import { emitDesign } from '../../gen/verilog.ts';
import type { Engine } from '../engine.ts';
import { buildModel, type VerilatedModel } from './index.ts';

export interface VerilatorEngine extends Engine { readonly model: VerilatedModel }

export async function verilatorEngine(design: IrDesign, opts: { clocks: { port: string; periodPs: number }[]; trace?: 'fst' | 'vcd' }): Promise<VerilatorEngine> {
  const top = design.top;
  const ports = top.ports.map((p) => ({ name: p.name, dir: p.dir, width: p.node.width, signed: p.node.signed }));
  const model = await buildModel({
    top: top.name,
    files: emitDesign(design).map((f) => ({ name: f.name, text: f.text })),
    ports,
    clocks: opts.clocks,
    trace: opts.trace ?? false,
  });
  const clockPorts = new Map(opts.clocks.map((c) => [c.port, model.port(c.port)]));
  return {
    kind: 'verilator',
    model,
    ports,
    port: (name) => model.port(name),
    eval: () => model.eval(),
    tick: () => model.tick(),
    rise(clocks, t) {
      for (const c of clocks) clockPorts.get(c)!.set(1);
      model.nativeModel().evalAt(t);
    },
    fall(clocks, t) {
      for (const c of clocks) clockPorts.get(c)!.set(0);
      model.nativeModel().evalAt(t);
    },
    openWaves: (file) => { model.openTrace(file); },
    closeWaves: () => { if (model.tracing) model.closeTrace(); },
    dispose: () => model.dispose(),
  };
}
