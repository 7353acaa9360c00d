// Flattens an elaborated design into one graph: every (instance, node) pair becomes a flat node, instance
// ports become aliases (a child's input is its parent's wire; a parent's instance output is the child's
// output wire), and every clock domain is resolved to a domain of the top module.
import type { IrDesign, IrDomain, IrInstance, IrMemory, IrModule, IrNode, NodeKind } from '../../dsl/ir.ts';

export interface FlatInst {
  readonly id: number;
  readonly module: IrModule;
  /** The IR instance in the parent (undefined for the top). */
  readonly inst: IrInstance | undefined;
  readonly parent: FlatInst | undefined;
  readonly children: FlatInst[];
  readonly childOf: Map<IrInstance, FlatInst>;
  /** This module's domains → the top domain that clocks them. */
  readonly domainMap: Map<IrDomain, TopDomain>;
  readonly own: Map<IrNode, FlatNode>;
}

export interface FlatNode {
  readonly idx: number;
  readonly node: IrNode;
  readonly inst: FlatInst;
  readonly kind: NodeKind;
  readonly width: number;
  readonly signed: boolean;
  /** Storage slot, set by the compiler. */
  slot?: number;
}

export interface TopDomain {
  readonly index: number;
  readonly ir: IrDomain;
  readonly clock: string;
  readonly reset: string;
  clockNode?: FlatNode;
  resetNode?: FlatNode;
}

export interface FlatReg {
  readonly node: FlatNode;
  readonly domain: TopDomain;
  readonly reset: bigint | undefined;
  readonly driver: FlatNode;
  readonly enable: FlatNode | undefined;
}

export interface FlatMemory {
  readonly index: number;
  readonly ir: IrMemory;
  readonly inst: FlatInst;
  readonly writes: { domain: TopDomain; addr: FlatNode; data: FlatNode; enable: FlatNode; mask: FlatNode | undefined }[];
  readonly reads: { domain: TopDomain; addr: FlatNode; enable: FlatNode; data: FlatNode }[];
}

export interface FlatDesign {
  readonly design: IrDesign;
  readonly top: FlatInst;
  readonly insts: FlatInst[];
  readonly nodes: FlatNode[];
  readonly domains: TopDomain[];
  readonly regs: FlatReg[];
  readonly memories: FlatMemory[];
  /** Top ports in declaration order with their flat nodes. */
  readonly ports: { name: string; dir: 'in' | 'out'; node: FlatNode; clockOf?: string; resetOf?: string }[];
  /** The canonical flat node for a reference to `n` inside instance `fi`. */
  resolve(fi: FlatInst, n: IrNode): FlatNode;
}

/** The nodes, memories and state a module's Verilog contains: the same marking as gen/plan.ts. */
export interface ModuleLive { nodes: Set<IrNode>; memories: Set<IrMemory> }

const liveCache = new WeakMap<IrModule, ModuleLive>();
export function moduleLive(m: IrModule): ModuleLive {
  const hit = liveCache.get(m);
  if (hit) return hit;
  const live = new Set<IrNode>();
  const mems = new Set<IrMemory>();
  const todo: IrNode[] = [];
  const mark = (n: IrNode | undefined) => { if (n && !live.has(n)) { live.add(n); todo.push(n); } };
  for (const p of m.ports) mark(p.node);
  for (const inst of m.instances) { for (const w of inst.inputs.values()) mark(w); for (const o of inst.outputs.values()) mark(o); }
  while (todo.length) {
    const n = todo.pop()!;
    for (const a of n.args ?? []) mark(a);
    if (n.driver && n.driver !== n) mark(n.driver);
    if (n.reg?.enable) mark(n.reg.enable);
    if (n.kind === 'memread') {
      const rp = n.memPort!;
      mark(rp.addr); mark(rp.enable);
      if (!mems.has(rp.memory)) {
        mems.add(rp.memory);
        for (const w of rp.memory.writePorts) { mark(w.addr); mark(w.data); mark(w.enable); mark(w.mask); }
      }
    }
  }
  const r = { nodes: live, memories: mems };
  liveCache.set(m, r);
  return r;
}

export class NativeSimError extends Error {
  constructor(message: string) { super(message); this.name = 'NativeSimError'; }
}

export function flatten(design: IrDesign): FlatDesign {
  const topM = design.top;
  for (const m of reachable(topM)) {
    if (m.blackbox) {
      throw new NativeSimError(`native simulation: module '${m.name}' is a blackbox (external Verilog ${m.blackbox.fileName}) and cannot be simulated natively; use the Verilator back end`);
    }
  }
  const nodes: FlatNode[] = [];
  const insts: FlatInst[] = [];
  const domains: TopDomain[] = [];

  const mkInst = (module: IrModule, inst: IrInstance | undefined, parent: FlatInst | undefined): FlatInst => {
    const fi: FlatInst = { id: insts.length, module, inst, parent, children: [], childOf: new Map(), domainMap: new Map(), own: new Map() };
    insts.push(fi);
    if (!parent) {
      for (const d of module.domains) {
        const td: TopDomain = { index: domains.length, ir: d, clock: d.clock, reset: d.reset };
        for (const p of module.ports) {
          if (p.domainPort?.domain !== d) continue;
          if (p.domainPort.role === 'clock') td.clockNode = own(fi, p.node);
          else td.resetNode = own(fi, p.node);
        }
        domains.push(td);
        fi.domainMap.set(d, td);
      }
    } else {
      for (const [name, pd] of inst!.domains) {
        const cd = module.domains.find((d) => d.name === name);
        const td = parent.domainMap.get(pd);
        if (cd && td) fi.domainMap.set(cd, td);
      }
    }
    for (const ci of module.instances) {
      const c = mkInst(ci.module, ci, fi);
      fi.children.push(c);
      fi.childOf.set(ci, c);
    }
    return fi;
  };

  const own = (fi: FlatInst, n: IrNode): FlatNode => {
    let f = fi.own.get(n);
    if (!f) {
      f = { idx: nodes.length, node: n, inst: fi, kind: n.kind, width: n.width, signed: n.signed };
      nodes.push(f);
      fi.own.set(n, f);
    }
    return f;
  };

  const resolve = (fi0: FlatInst, n0: IrNode): FlatNode => {
    let fi = fi0, n = n0;
    for (;;) {
      if (n.kind === 'input' && fi.parent) {
        const port = n.port!;
        if (port.domainPort) {
          const td = fi.domainMap.get(port.domainPort.domain);
          const f = td && (port.domainPort.role === 'clock' ? td.clockNode : td.resetNode);
          if (!f) throw new NativeSimError(`native simulation: ${port.domainPort.role} port '${port.name}' of '${fi.module.name}' is not connected to a top-level domain`);
          return f;
        }
        const w = fi.inst!.inputs.get(port.name);
        if (!w) throw new NativeSimError(`native simulation: input '${port.name}' of instance of '${fi.module.name}' is not connected`);
        n = w; fi = fi.parent;
        continue;
      }
      if (n.kind === 'instout') {
        const child = fi.childOf.get(n.inst!)!;
        const port = child.module.ports.find((p) => p.name === n.instPort && p.dir === 'out');
        if (!port) throw new NativeSimError(`native simulation: '${child.module.name}' has no output '${n.instPort}'`);
        n = port.node; fi = child;
        continue;
      }
      return own(fi, n);
    }
  };

  const top = mkInst(topM, undefined, undefined);
  const regs: FlatReg[] = [];
  const memories: FlatMemory[] = [];
  const domainOf = (fi: FlatInst, d: IrDomain, what: string): TopDomain => {
    const td = fi.domainMap.get(d);
    if (!td) throw new NativeSimError(`native simulation: ${what} in '${fi.module.name}' is in domain '${d.name}', which no top-level clock drives`);
    return td;
  };
  for (const fi of insts) {
    const live = moduleLive(fi.module);
    for (const n of fi.module.nodes) {
      if (n.kind !== 'reg' || !live.nodes.has(n)) continue;
      const r = n.reg!;
      regs.push({
        node: own(fi, n), domain: domainOf(fi, r.domain, `register '${n.name ?? `#${n.id}`}'`), reset: r.reset,
        driver: resolve(fi, n.driver ?? n), enable: r.enable ? resolve(fi, r.enable) : undefined,
      });
    }
    for (const mem of fi.module.memories) {
      if (!live.memories.has(mem)) continue;
      memories.push({
        index: memories.length, ir: mem, inst: fi,
        writes: mem.writePorts.map((w) => ({
          domain: domainOf(fi, w.domain, 'a memory write port'), addr: resolve(fi, w.addr), data: resolve(fi, w.data),
          enable: resolve(fi, w.enable), mask: w.mask ? resolve(fi, w.mask) : undefined,
        })),
        reads: mem.readPorts.filter((r) => live.nodes.has(r.data)).map((r) => ({
          domain: domainOf(fi, r.domain, 'a memory read port'), addr: resolve(fi, r.addr), enable: resolve(fi, r.enable), data: own(fi, r.data),
        })),
      });
    }
  }
  const ports = topM.ports.map((p) => ({
    name: p.name, dir: p.dir, node: own(top, p.node),
    clockOf: p.domainPort?.role === 'clock' ? p.domainPort.domain.name : undefined,
    resetOf: p.domainPort?.role === 'reset' ? p.domainPort.domain.name : undefined,
  }));
  return { design, top, insts, nodes, domains, regs, memories, ports, resolve };
}

function reachable(top: IrModule): IrModule[] {
  const seen = new Set<IrModule>();
  const todo = [top];
  while (todo.length) {
    const m = todo.pop()!;
    if (seen.has(m)) continue;
    seen.add(m);
    for (const i of m.instances) todo.push(i.module);
  }
  return [...seen];
}
