// A tiny reference simulator: evaluates the IR node by node with evalOp (dsl/ops.ts), memoised per settle.
// Slow and deliberately simple; it shares no code with sim/native/ so the two check each other.
// Semantics follow the Verilog emitter (gen/verilog.ts): synchronous reset `if (rst) r <= reset; else if
// (en) r <= next`, registers that are never assigned are left out (they hold their initial 0), memories
// read before write, later write ports win, state starts at 0, out-of-range memory reads give 0.
import { evalOp, mask } from '../../dsl/ops.ts';
import type { IrDesign, IrDomain, IrInstance, IrMemory, IrModule, IrNode } from '../../dsl/ir.ts';

interface RInst {
  module: IrModule;
  inst: IrInstance | undefined;
  parent: RInst | undefined;
  children: Map<IrInstance, RInst>;
  /** This module's domains → top-level domains. */
  domains: Map<IrDomain, IrDomain>;
  state: Map<IrNode, bigint>; // registers and memory read data
  mems: Map<IrMemory, bigint[]>;
}

export class RefSim {
  readonly top: RInst;
  private readonly all: RInst[] = [];
  private readonly inputs = new Map<string, bigint>();
  private memo = new Map<RInst, Map<IrNode, bigint>>();

  constructor(readonly design: IrDesign) {
    const build = (module: IrModule, inst: IrInstance | undefined, parent: RInst | undefined): RInst => {
      const ri: RInst = { module, inst, parent, children: new Map(), domains: new Map(), state: new Map(), mems: new Map() };
      this.all.push(ri);
      if (!parent) for (const d of module.domains) ri.domains.set(d, d);
      else for (const [name, pd] of inst!.domains) ri.domains.set(module.domains.find((d) => d.name === name)!, parent.domains.get(pd)!);
      for (const mem of module.memories) {
        const words = new Array<bigint>(mem.depth).fill(0n);
        mem.init?.forEach((v, i) => { words[i] = v; });
        ri.mems.set(mem, words);
      }
      for (const c of module.instances) ri.children.set(c, build(c.module, c, ri));
      return ri;
    };
    this.top = build(design.top, undefined, undefined);
    for (const p of design.top.ports) if (p.dir === 'in') this.inputs.set(p.name, 0n);
  }

  /** Sets an input to a bit pattern (masked to the width). */
  set(name: string, v: bigint) {
    const p = this.design.top.ports.find((x) => x.name === name && x.dir === 'in');
    if (!p) throw new Error(`reference: no input '${name}'`);
    this.inputs.set(name, v & mask(p.node.width));
    this.memo.clear();
  }

  /** The unsigned bit pattern of a top port. */
  get(name: string): bigint {
    const p = this.design.top.ports.find((x) => x.name === name);
    if (!p) throw new Error(`reference: no port '${name}'`);
    return this.value(this.top, p.node);
  }

  value(ri: RInst, n: IrNode): bigint {
    let m = this.memo.get(ri);
    if (!m) { m = new Map(); this.memo.set(ri, m); }
    const hit = m.get(n);
    if (hit !== undefined) return hit;
    let v: bigint;
    switch (n.kind) {
      case 'const': v = n.value!; break;
      case 'input': {
        const port = n.port!;
        if (!ri.parent) v = this.inputs.get(port.name)!;
        else if (port.domainPort) {
          const td = ri.domains.get(port.domainPort.domain)!;
          v = this.inputs.get(port.domainPort.role === 'clock' ? td.clock : td.reset) ?? 0n;
        } else v = this.value(ri.parent, ri.inst!.inputs.get(port.name)!);
        break;
      }
      case 'op':
        v = evalOp(n.op!, n.args!.map((a) => ({ v: this.value(ri, a), t: { width: a.width, signed: a.signed } })), n.params ?? [], { width: n.width, signed: n.signed });
        break;
      case 'wire': v = this.value(ri, n.driver!); break;
      case 'reg': case 'memread': v = ri.state.get(n) ?? 0n; break;
      case 'instout': {
        const child = ri.children.get(n.inst!)!;
        v = this.value(child, child.module.ports.find((p) => p.name === n.instPort)!.node);
        break;
      }
    }
    m.set(n, v);
    return v;
  }

  /** A rising edge of the clock port `clock` (a top-level domain's clock). */
  edge(clock: string) { this.edges([clock]); }

  /** Coinciding rising edges: every domain samples pre-edge values, reads precede writes, then all commit. */
  edges(clocks: string[]) {
    const next: [RInst, IrNode, bigint][] = [];
    const writes: (() => void)[] = [];
    for (const clock of clocks) {
      const d = this.design.top.domains.find((x) => x.clock === clock);
      if (!d) throw new Error(`reference: no clock '${clock}'`);
      this.sample(d, next, writes);
    }
    for (const w of writes) w(); // in port order: a later port wins on the same address
    for (const [ri, n, v] of next) ri.state.set(n, v);
    this.memo.clear();
  }

  private sample(d: IrDomain, next: [RInst, IrNode, bigint][], writes: (() => void)[]) {
    const rst = (this.inputs.get(d.reset) ?? 0n) !== 0n;
    for (const ri of this.all) {
      for (const n of ri.module.nodes) {
        if (n.kind !== 'reg' || ri.domains.get(n.reg!.domain) !== d) continue;
        if (n.driver === n) continue; // never assigned: not in the Verilog's always block
        const cur = ri.state.get(n) ?? 0n;
        let v = cur;
        if (rst && n.reg!.reset !== undefined) v = n.reg!.reset;
        else if (!n.reg!.enable || this.value(ri, n.reg!.enable) !== 0n) v = this.value(ri, n.driver!);
        next.push([ri, n, v]);
      }
      for (const mem of ri.module.memories) {
        const words = ri.mems.get(mem)!;
        for (const rp of mem.readPorts) {
          if (ri.domains.get(rp.domain) !== d) continue;
          if (this.value(ri, rp.enable) === 0n) continue;
          const a = this.value(ri, rp.addr);
          next.push([ri, rp.data, a < BigInt(mem.depth) ? words[Number(a)]! : 0n]);
        }
        for (const wp of mem.writePorts) {
          if (ri.domains.get(wp.domain) !== d) continue;
          if (this.value(ri, wp.enable) === 0n) continue;
          const a = this.value(ri, wp.addr);
          const data = this.value(ri, wp.data);
          const bm = wp.mask ? byteMask(this.value(ri, wp.mask), mem.width / 8) : mask(mem.width);
          writes.push(() => { if (a < BigInt(mem.depth)) words[Number(a)] = (words[Number(a)]! & ~bm) | (data & bm); });
        }
      }
    }
  }
}

function byteMask(m: bigint, bytes: number): bigint {
  let r = 0n;
  for (let i = 0; i < bytes; i++) if ((m >> BigInt(i)) & 1n) r |= 0xffn << BigInt(8 * i);
  return r;
}
