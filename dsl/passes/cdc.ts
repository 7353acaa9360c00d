// Clock-domain crossings: logic clocked in one domain may not read another domain's registers directly.
// The only way across is a synchroniser (dsl/cdc.ts), or a memory written in one domain and read in another.
import type { IrDomain, IrModule, IrNode, SrcLoc } from '../ir.ts';
import { HdlError } from '../errors.ts';
import { label } from './lower.ts';

interface Source { domain: IrDomain; node: IrNode }

declare module '../ir.ts' {
  interface IrModule {
    /** Output port → names of the domains whose registers reach it combinationally; input port → domains that consume it. */
    cdc?: { outSources: Map<string, Set<string>>; inSinks: Map<string, Set<string>> };
  }
}

/** The registers (by domain) that feed n through combinational logic only. */
function sources(n: IrNode, memo: Map<IrNode, Source[]>): Source[] {
  const hit = memo.get(n);
  if (hit) return hit;
  memo.set(n, []);
  let out: Source[] = [];
  switch (n.kind) {
    case 'reg': out = [{ domain: n.reg!.domain, node: n }]; break;
    case 'memread': out = [{ domain: n.memPort!.domain, node: n }]; break;
    case 'op': out = n.args!.flatMap((a) => sources(a, memo)); break;
    case 'wire': out = n.driver ? sources(n.driver, memo) : []; break;
    case 'instout': {
      const inst = n.inst!;
      const names = inst.module.cdc?.outSources.get(n.instPort!) ?? new Set<string>();
      for (const dn of names) { const d = inst.domains.get(dn); if (d) out.push({ domain: d, node: n }); }
      break;
    }
    default: break;
  }
  out = onePerDomain(out);
  memo.set(n, out);
  return out;
}

/** One source per domain is enough to check and name a crossing; keeping every path's sources grows exponentially. */
function onePerDomain(xs: Source[]): Source[] {
  if (xs.length < 2) return xs;
  const first = new Map<IrDomain, Source>();
  for (const s of xs) if (!first.has(s.domain)) first.set(s.domain, s);
  return [...first.values()];
}

export function checkCdc(m: IrModule): void {
  const memo = new Map<IrNode, Source[]>();
  const check = (reader: string, domain: IrDomain, loc: SrcLoc | undefined, exprs: (IrNode | undefined)[]) => {
    for (const e of exprs) {
      if (!e) continue;
      for (const s of sources(e, memo)) {
        if (s.domain !== domain) {
          throw new HdlError('cdc', `${reader} in clock domain '${domain.name}' reads '${label(s.node)}' of domain '${s.domain.name}' directly; cross with synchronize() (or a dual-clock memory)`, loc,
            [{ what: `'${label(s.node)}' created here`, loc: s.node.loc }]);
        }
      }
    }
  };
  for (const n of m.nodes) {
    if (n.kind !== 'reg') continue;
    if (n.reg!.syncStage) continue;
    check(`register '${label(n)}'`, n.reg!.domain, n.loc, [n.driver, n.reg!.enable]);
  }
  for (const mem of m.memories) {
    for (const w of mem.writePorts) check('memory write port', w.domain, w.loc, [w.addr, w.data, w.enable, w.mask]);
    for (const r of mem.readPorts) check('memory read port', r.domain, r.loc, [r.addr, r.enable]);
  }
  for (const inst of m.instances) {
    for (const [port, wire] of inst.inputs) {
      for (const dn of inst.module.cdc?.inSinks.get(port) ?? []) {
        const d = inst.domains.get(dn);
        if (d) check(`input '${port}' of instance '${inst.name ?? inst.module.name}'`, d, wire.loc, [wire]);
      }
    }
  }

  // Summaries for parents.
  const outSources = new Map<string, Set<string>>();
  for (const p of m.ports) {
    if (p.dir === 'out') outSources.set(p.name, new Set(sources(p.node, memo).map((s) => s.domain.name)));
  }
  const inSinks = new Map<string, Set<string>>();
  const addSink = (e: IrNode | undefined, d: IrDomain) => {
    const seen = new Set<IrNode>();
    const todo = e ? [e] : [];
    while (todo.length) {
      const n = todo.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (n.kind === 'input' && n.port && !n.port.domainPort) {
        const s = inSinks.get(n.port.name) ?? new Set<string>();
        s.add(d.name);
        inSinks.set(n.port.name, s);
      }
      if (n.kind === 'op') todo.push(...n.args!);
      if (n.kind === 'wire' && n.driver) todo.push(n.driver);
    }
  };
  for (const n of m.nodes) if (n.kind === 'reg' && !n.reg!.syncStage) { addSink(n.driver, n.reg!.domain); addSink(n.reg!.enable, n.reg!.domain); }
  for (const mem of m.memories) {
    for (const w of mem.writePorts) for (const x of [w.addr, w.data, w.enable, w.mask]) addSink(x, w.domain);
    for (const r of mem.readPorts) for (const x of [r.addr, r.enable]) addSink(x, r.domain);
  }
  m.cdc = { outSources, inSinks };
}
