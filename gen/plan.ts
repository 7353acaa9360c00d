// What a back end needs beyond the IR: the live nodes, which become named declarations, their names,
// and which bits of each declared signal nothing reads (so the emitter can sink them explicitly).
import type { IrModule, IrNode, IrMemory, IrInstance, IrLocalParam } from '../dsl/ir.ts';
import { nameAt } from '../dsl/naming.ts';
import { NameTable } from './names.ts';

export interface ModulePlan {
  live: Set<IrNode>;
  liveMemories: IrMemory[];
  /** Declared nodes (every non-constant node that is not inlined) → Verilog name. */
  names: Map<IrNode, string>;
  memNames: Map<IrMemory, string>;
  instNames: Map<IrInstance, string>;
  paramNames: Map<IrLocalParam, string>;
  /** Use count per node among live consumers. */
  uses: Map<IrNode, number>;
  /** Declared nodes with bits nobody reads: node → list of [hi, lo] ranges. */
  unusedBits: Map<IrNode, [number, number][]>;
  usedParams: Set<IrLocalParam>;
}

// Ops whose operand must be an identifier in Verilog-2005 (no part-select of an expression).
const needsIdent = (op: string) => op === 'slice' || op === 'bit' || op === 'sext';
// Signed right shifts must stand alone: inside a larger unsigned expression >>> would become logical.
const standsAlone = (n: IrNode) => (n.op === 'shr' || n.op === 'dshr') && n.signed;

export function planModule(m: IrModule): ModulePlan {
  const live = new Set<IrNode>();
  const liveMems = new Set<IrMemory>();
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
      if (!liveMems.has(rp.memory)) {
        liveMems.add(rp.memory);
        for (const w of rp.memory.writePorts) { mark(w.addr); mark(w.data); mark(w.enable); mark(w.mask); }
      }
    }
  }

  const uses = new Map<IrNode, number>();
  const use = (n: IrNode | undefined) => { if (n) uses.set(n, (uses.get(n) ?? 0) + 1); };
  for (const n of live) {
    for (const a of n.args ?? []) use(a);
    if (n.driver && n.driver !== n) use(n.driver);
    use(n.reg?.enable);
  }
  for (const mem of liveMems) {
    for (const w of mem.writePorts) [w.addr, w.data, w.enable, w.mask].forEach(use);
    for (const r of mem.readPorts) if (live.has(r.data)) [r.addr, r.enable].forEach(use);
  }

  // The node a TS variable names is the one its call returned: a call like a.addWide(b) also creates extends,
  // which only that call's own result consumes. A helper called twice makes two results, named name, name_1.
  const siteKey = (n: IrNode) => (n.loc ? `${n.loc.file}:${n.loc.line}:${n.loc.col}:${n.nameSuffix ?? ''}` : '');
  const usedOutsideSite = new Set<IrNode>();
  const noteUse = (user: IrNode | { loc: IrNode['loc'] } | undefined, used: IrNode | undefined) => {
    if (!used) return;
    const uk = user && 'id' in user ? siteKey(user) : '';
    if (!user || uk !== siteKey(used)) usedOutsideSite.add(used);
  };
  for (const n of live) {
    for (const a of n.args ?? []) noteUse(n, a);
    if (n.driver && n.driver !== n) noteUse(undefined, n.driver);
    noteUse(undefined, n.reg?.enable);
  }
  for (const mem of liveMems) {
    for (const w of mem.writePorts) [w.addr, w.data, w.enable, w.mask].forEach((x) => noteUse(undefined, x));
    for (const r of mem.readPorts) [r.addr, r.enable].forEach((x) => noteUse(undefined, x));
  }
  const tsName = (n: IrNode): string | undefined => {
    if (n.name) return n.name;
    if (!n.loc) return undefined;
    if (n.kind === 'op' && !usedOutsideSite.has(n)) return undefined;
    const base = nameAt(n.loc);
    if (!base) return undefined;
    return n.nameSuffix ? `${base}_${n.nameSuffix}` : base;
  };

  // Which nodes are declared: everything but constants and single-use anonymous ops.
  const needId = new Set<IrNode>();
  for (const n of live) if (n.kind === 'op' && needsIdent(n.op!)) needId.add(n.args![0]!);
  // A byte-masked memory write part-selects its data and mask, byte by byte.
  for (const mem of liveMems) for (const w of mem.writePorts) if (w.mask) { needId.add(w.data); needId.add(w.mask); }
  const declared: IrNode[] = [];
  const opName = new Map<IrNode, string>();
  for (const n of m.nodes) {
    if (!live.has(n) || n.kind === 'const') continue;
    if (n.kind !== 'op') { declared.push(n); continue; }
    const nm = tsName(n);
    if (nm) opName.set(n, nm);
    if (nm || (uses.get(n) ?? 0) > 1 || needId.has(n) || standsAlone(n) || n.op === 'cast' && needId.has(n)) declared.push(n);
  }
  // Casts are free in Verilog: a declared cast of an identifier would only add a wire; keep it anyway when named.

  const table = new NameTable(m.ports.map((p) => p.name));
  const names = new Map<IrNode, string>();
  for (const p of m.ports) names.set(p.node, p.name);
  const instNames = new Map<IrInstance, string>();
  for (const inst of m.instances) instNames.set(inst, table.claim(inst.name ?? nameAt(inst.loc) ?? `u_${inst.module.baseName}`));
  const memNames = new Map<IrMemory, string>();
  for (const mem of liveMems) memNames.set(mem, table.claim(mem.name ?? nameAt(mem.loc) ?? 'mem'));
  const paramNames = new Map<IrLocalParam, string>();
  const stateNameCount = new Map<string, number>();
  for (const lp of m.localparams) stateNameCount.set(lp.name, (stateNameCount.get(lp.name) ?? 0) + 1);
  // Named nodes first so that TS names win over generated ones; then the generated.
  const anon: IrNode[] = [];
  for (const n of declared) {
    if (names.has(n)) continue;
    let nm: string | undefined;
    if (n.inst) nm = `${instNames.get(n.inst)}_${n.instPort}`;
    else nm = n.kind === 'op' ? opName.get(n) : tsName(n);
    if (nm) names.set(n, table.claim(nm)); else anon.push(n);
  }
  for (const lp of m.localparams) {
    const owner = lp.owner ? names.get(lp.owner) : undefined;
    const clash = (stateNameCount.get(lp.name) ?? 0) > 1;
    paramNames.set(lp, table.claim(clash && owner ? `${owner}_${lp.name}` : lp.name));
  }
  // Anonymous nodes get names that say what they compute where that is short: state == IDLE → state_is_IDLE.
  const compareWord: Record<string, string> = { eq: 'is', ne: 'not', lt: 'lt', le: 'le', gt: 'gt', ge: 'ge' };
  const derived = (n: IrNode): string | undefined => {
    if (n.kind !== 'op' || !compareWord[n.op!]) return undefined;
    const [a, b] = n.args!;
    const [k, other] = a!.kind === 'const' ? [a!, b!] : b!.kind === 'const' ? [b!, a!] : [undefined, undefined];
    if (!k || !names.has(other!) || k === a) return undefined;
    const v = k.symbol ? paramNames.get(k.symbol)! : k.value! < 1000n ? String(k.value) : undefined;
    return v === undefined ? undefined : `${names.get(other!)}_${compareWord[n.op!]}_${v}`;
  };
  // A masked memory write's data and mask, when unnamed, are named after the memory.
  const writeRole = new Map<IrNode, string>();
  for (const mem of liveMems) {
    for (const w of mem.writePorts) if (w.mask) { writeRole.set(w.data, `${memNames.get(mem)}_wdata`); writeRole.set(w.mask, `${memNames.get(mem)}_wmask`); }
  }
  for (const n of anon) {
    names.set(n, table.claim(derived(n) ?? writeRole.get(n) ?? (n.kind === 'op' ? `_${n.op}` : n.kind === 'reg' ? '_reg' : n.kind === 'memread' ? '_rdata' : '_w')));
  }

  // Bits read of each declared node.
  const read = new Map<IrNode, bigint>();
  const full = (w: number) => (1n << BigInt(w)) - 1n;
  const readBits = (n: IrNode | undefined, bits: bigint) => { if (n && names.has(n)) read.set(n, (read.get(n) ?? 0n) | bits); };
  const usedParams = new Set<IrLocalParam>();
  for (const n of live) {
    if (n.kind === 'const' && n.symbol) usedParams.add(n.symbol);
    if (n.kind === 'op') {
      const a0 = n.args![0]!;
      if (n.op === 'slice') readBits(a0, full(n.params![0]! - n.params![1]! + 1) << BigInt(n.params![1]!));
      else if (n.op === 'bit') readBits(a0, 1n << BigInt(n.params![0]!));
      else if (n.op === 'sext') readBits(a0, full(a0.width));
      else for (const a of n.args!) readBits(a, full(a.width));
      if (n.op !== 'slice' && n.op !== 'bit' && n.op !== 'sext') continue;
      for (const a of n.args!.slice(1)) readBits(a, full(a.width));
    }
    if (n.driver && n.driver !== n) readBits(n.driver, full(n.driver.width));
    if (n.reg?.enable) readBits(n.reg.enable, 1n);
    if (n.kind === 'reg' && n.driver !== n) readBits(n, 0n);
  }
  for (const mem of liveMems) {
    for (const w of mem.writePorts) for (const x of [w.addr, w.data, w.enable, w.mask]) if (x) readBits(x, full(x.width));
    for (const r of mem.readPorts) if (live.has(r.data)) for (const x of [r.addr, r.enable]) readBits(x, full(x.width));
  }
  for (const inst of m.instances) for (const w of inst.inputs.values()) readBits(w, full(w.width));
  for (const p of m.ports) if (p.dir === 'out') readBits(p.node, full(p.node.width));
  // A memory's read port data register is read by whoever reads it: handled above.
  const unusedBits = new Map<IrNode, [number, number][]>();
  for (const n of names.keys()) {
    if (n.port && (n.port.dir === 'out' || n.port.domainPort)) continue;
    if (n.kind === 'wire' && n.inst) continue; // drives an instance port
    const r = read.get(n) ?? 0n;
    if (r === full(n.width)) continue;
    const ranges: [number, number][] = [];
    for (let i = 0; i < n.width; i++) {
      if ((r >> BigInt(i)) & 1n) continue;
      const last = ranges[ranges.length - 1];
      if (last && last[0] === i - 1) last[0] = i; else ranges.push([i, i]);
    }
    unusedBits.set(n, ranges);
  }

  return { live, liveMemories: m.memories.filter((x) => liveMems.has(x)), names, memNames, instNames, paramNames, uses, unusedBits, usedParams };
}
