// Combinational dependencies of IR nodes, shared by the loop, comb-path and CDC passes.
import type { IrModule, IrNode } from '../ir.ts';

/** The nodes whose current value `n` depends on combinationally. Registers and memory reads are sources. */
export function combDeps(n: IrNode): IrNode[] {
  switch (n.kind) {
    case 'op': return n.args!;
    case 'wire': return n.driver ? [n.driver] : [];
    case 'instout': {
      const inst = n.inst!;
      const ins = inst.module.combPaths?.get(n.instPort!);
      if (!ins) return [];
      return [...ins].map((p) => inst.inputs.get(p)).filter((x): x is IrNode => x !== undefined);
    }
    default: return [];
  }
}

/** Every node read by the module's state elements, outputs and instances: the roots of its logic. */
export function roots(m: IrModule): IrNode[] {
  const r: IrNode[] = [];
  for (const n of m.nodes) {
    if (n.kind === 'reg' && n.driver) { r.push(n.driver); if (n.reg!.enable) r.push(n.reg!.enable); }
    if (n.kind === 'wire' && (n.port || n.inst)) r.push(n);
  }
  for (const mem of m.memories) {
    for (const w of mem.writePorts) r.push(w.addr, w.data, w.enable, ...(w.mask ? [w.mask] : []));
    for (const rp of mem.readPorts) r.push(rp.addr, rp.enable);
  }
  return r;
}
