// The Verilog-2005 emitter: reads the IR (and the plan), writes one readable, deterministic file per module.
import path from 'node:path';
import type { IrDesign, IrModule, IrNode, IrDomain } from '../dsl/ir.ts';
import { planModule, type ModulePlan } from './plan.ts';
import { evalOp } from '../dsl/ops.ts';
import { projectRoot } from './root.ts';

export interface VerilogFile { name: string; module: string; text: string }

/** Emits every module of a design (children first); blackboxes are written as given. */
export function emitDesign(d: IrDesign): VerilogFile[] {
  return d.modules.map((m) => m.blackbox
    ? { name: m.blackbox.fileName, module: m.name, text: m.blackbox.verilog.endsWith('\n') ? m.blackbox.verilog : `${m.blackbox.verilog}\n` }
    : { name: `${m.name}.v`, module: m.name, text: emitModule(m) });
}

const range = (w: number) => (w === 1 ? '' : `[${w - 1}:0] `);
const where = (loc: { file: string; line: number } | undefined) =>
  loc ? `// ${path.relative(projectRoot(), loc.file).split(path.sep).join('/')}:${loc.line}` : '';

export function literal(w: number, v: bigint): string {
  return w <= 32 ? `${w}'d${v}` : `${w}'h${v.toString(16)}`;
}

export function emitModule(m: IrModule): string {
  const plan = planModule(m);
  const e = new Emitter(m, plan);
  return e.run();
}

class Emitter {
  private out: string[] = [];
  constructor(private readonly m: IrModule, private readonly p: ModulePlan) {}

  private id(n: IrNode): string { return this.p.names.get(n)!; }

  /** An expression for n: its name when declared, else the inlined operator. */
  /**
   * Bits [hi:lo] of a node: a literal for a constant, else a part-select of its identifier (the plan declares
   * every node selected this way, since Verilog cannot part-select an expression).
   */
  private bits(n: IrNode, hi: number, lo: number): string {
    if (n.kind === 'const' && !n.symbol) return literal(hi - lo + 1, (n.value! >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n));
    return hi === lo ? `${this.expr(n)}[${lo}]` : `${this.expr(n)}[${hi}:${lo}]`;
  }

  expr(n: IrNode): string {
    if (n.kind === 'const') return n.symbol ? this.p.paramNames.get(n.symbol)! : literal(n.width, n.value!);
    const nm = this.p.names.get(n);
    if (nm) return nm;
    return this.opExpr(n);
  }

  private opExpr(n: IrNode): string {
    const a = n.args!;
    const x = (i: number) => this.expr(a[i]!);
    const sx = (i: number) => (a[i]!.signed ? `$signed(${x(i)})` : x(i));
    const w = n.width;
    // Verilog cannot part-select a literal (8'd0[2:0]): emit the selected bits' value instead.
    if ((n.op === 'slice' || n.op === 'bit' || n.op === 'sext') && a[0]!.kind === 'const') {
      return literal(w, evalOp(n.op, [{ v: a[0]!.value!, t: a[0]! }], n.params ?? [], n));
    }
    switch (n.op!) {
      case 'add': return `(${x(0)} + ${x(1)})`;
      case 'sub': return `(${x(0)} - ${x(1)})`;
      case 'mul': return `(${x(0)} * ${x(1)})`;
      case 'neg': return `(-${x(0)})`;
      case 'and': return `(${x(0)} & ${x(1)})`;
      case 'or': return `(${x(0)} | ${x(1)})`;
      case 'xor': return `(${x(0)} ^ ${x(1)})`;
      case 'not': return `(~${x(0)})`;
      case 'eq': return `(${x(0)} == ${x(1)})`;
      case 'ne': return `(${x(0)} != ${x(1)})`;
      case 'lt': return `(${sx(0)} < ${sx(1)})`;
      case 'le': return `(${sx(0)} <= ${sx(1)})`;
      case 'gt': return `(${sx(0)} > ${sx(1)})`;
      case 'ge': return `(${sx(0)} >= ${sx(1)})`;
      case 'shl': return n.params![0]! >= w ? literal(w, 0n) : `(${x(0)} << ${n.params![0]})`;
      case 'shr':
        if (n.signed) return `($signed(${x(0)}) >>> ${Math.min(n.params![0]!, w - 1)})`;
        return n.params![0]! >= w ? literal(w, 0n) : `(${x(0)} >> ${n.params![0]})`;
      case 'dshl': return `(${x(0)} << ${x(1)})`;
      case 'dshr': return n.signed ? `($signed(${x(0)}) >>> ${x(1)})` : `(${x(0)} >> ${x(1)})`;
      case 'bit': return a[0]!.width === 1 ? x(0) : `${x(0)}[${n.params![0]}]`;
      case 'dbit': {
        const src = a[0]!;
        return `(|(${x(0)} & (${literal(src.width, 1n)} << ${x(1)})))`;
      }
      case 'slice': {
        const [hi, lo] = n.params as [number, number];
        if (hi === a[0]!.width - 1 && lo === 0) return x(0);
        return hi === lo ? `${x(0)}[${hi}]` : `${x(0)}[${hi}:${lo}]`;
      }
      case 'cat': return `{${a.map((_, i) => x(i)).join(', ')}}`;
      case 'rep': return `{${n.params![0]}{${x(0)}}}`;
      case 'andr': return a[0]!.width === 1 ? x(0) : `(&${x(0)})`;
      case 'orr': return a[0]!.width === 1 ? x(0) : `(|${x(0)})`;
      case 'xorr': return a[0]!.width === 1 ? x(0) : `(^${x(0)})`;
      case 'zext': return w === a[0]!.width ? x(0) : `{${literal(w - a[0]!.width, 0n)}, ${x(0)}}`;
      case 'sext': {
        const sw = a[0]!.width;
        if (w === sw) return x(0);
        const sign = sw === 1 ? x(0) : `${x(0)}[${sw - 1}]`;
        return `{{${w - sw}{${sign}}}, ${x(0)}}`;
      }
      case 'cast': return x(0);
      case 'mux': return `(${x(0)} ? ${x(1)} : ${x(2)})`;
    }
  }

  private line(s = '') { this.out.push(s); }

  run(): string {
    const m = this.m, p = this.p;
    this.line(`// Generated by the toe TypeScript HDL from ${where(m.loc).slice(3) || 'TypeScript'}. Do not edit.`);
    this.line(`module ${m.name} (`);
    const rw = Math.max(0, ...m.ports.map((pt) => range(pt.node.width).length));
    const ports = m.ports.map((pt) => `  ${pt.dir === 'in' ? 'input ' : 'output'} wire ${range(pt.node.width).padEnd(rw)}${pt.name}`);
    const pad = Math.max(...ports.map((s) => s.length));
    m.ports.forEach((pt, i) => this.line(`${(ports[i]! + (i < ports.length - 1 ? ',' : '')).padEnd(pad + 2)}${where(pt.loc)}`.trimEnd()));
    this.line(');');

    const body: string[] = [];
    const decl = (s: string, loc: IrNode['loc']) => body.push(`  ${s}  ${where(loc)}`.trimEnd());
    // Localparams (FSM states).
    for (const lp of m.localparams) decl(`localparam ${range(lp.width)}${p.paramNames.get(lp)} = ${literal(lp.width, lp.value)};`, lp.loc);
    // State and instance outputs first: everything else may read them.
    for (const mem of p.liveMemories) {
      decl(`reg ${range(mem.width)}${p.memNames.get(mem)} [0:${mem.depth - 1}];`, mem.loc);
    }
    for (const n of this.m.nodes) {
      if (!p.names.has(n) || n.port) continue;
      if (n.kind === 'reg' || n.kind === 'memread') decl(`reg ${range(n.width)}${this.id(n)};`, n.loc);
      else if (n.kind === 'instout') decl(`wire ${range(n.width)}${this.id(n)};`, n.loc);
    }
    // Combinational wires, in dependency order so every name is declared before use.
    for (const n of this.combOrder()) {
      if (n.port) continue;
      const rhs = n.kind === 'wire' ? this.expr(n.driver!) : this.opExpr(n);
      decl(`wire ${range(n.width)}${this.id(n)} = ${rhs};`, n.loc);
    }
    for (const pt of m.ports) if (pt.dir === 'out') body.push(`  assign ${pt.name} = ${this.expr(pt.node.driver!)};`);
    // Memory initial contents.
    for (const mem of p.liveMemories) {
      if (!mem.init) continue;
      body.push('', '  initial begin');
      mem.init.forEach((v, i) => body.push(`    ${p.memNames.get(mem)}[${i}] = ${literal(mem.width, v)};`));
      body.push('  end');
    }
    for (const d of m.domains) this.domainBlock(d, body);
    for (const inst of m.instances) this.instance(inst, body);
    this.unusedSink(body);
    if (body.length) { this.line(); this.out.push(...body); }
    this.line('');
    this.line('endmodule');
    return `${this.out.join('\n')}\n`;
  }

  /** Declared combinational nodes (ops and wires) in topological order. */
  private combOrder(): IrNode[] {
    const order: IrNode[] = [];
    const done = new Set<IrNode>();
    const visit = (root: IrNode) => {
      const stack: [IrNode, boolean][] = [[root, false]];
      while (stack.length) {
        const [n, expanded] = stack.pop()!;
        if (done.has(n)) continue;
        if (expanded) {
          done.add(n);
          if (this.p.names.has(n) && (n.kind === 'op' || n.kind === 'wire')) order.push(n);
          continue;
        }
        stack.push([n, true]);
        const deps = n.kind === 'op' ? n.args! : n.kind === 'wire' && n.driver ? [n.driver] : [];
        for (let i = deps.length - 1; i >= 0; i--) if (!done.has(deps[i]!)) stack.push([deps[i]!, false]);
      }
    };
    for (const n of this.m.nodes) if (this.p.names.has(n)) visit(n);
    return order;
  }

  private domainBlock(d: IrDomain, body: string[]) {
    const m = this.m, p = this.p;
    const regs = m.nodes.filter((n) => n.kind === 'reg' && n.reg!.domain === d && p.names.has(n) && n.driver !== n);
    const resetRegs = regs.filter((n) => n.reg!.reset !== undefined);
    const plainRegs = regs.filter((n) => n.reg!.reset === undefined);
    const writes = p.liveMemories.flatMap((mem) => mem.writePorts.filter((w) => w.domain === d).map((w) => ({ mem, w })));
    const reads = p.liveMemories.flatMap((mem) => mem.readPorts.filter((r) => r.domain === d && p.names.has(r.data)));
    if (!regs.length && !writes.length && !reads.length) return;
    const upd = (n: IrNode, ind: string) => {
      const en = n.reg!.enable;
      return en ? `${ind}if (${this.expr(en)}) ${this.id(n)} <= ${this.expr(n.driver!)};` : `${ind}${this.id(n)} <= ${this.expr(n.driver!)};`;
    };
    body.push('', `  always @(posedge ${d.clock}) begin`);
    if (resetRegs.length) {
      body.push(`    if (${d.reset}) begin`);
      for (const n of resetRegs) body.push(`      ${this.id(n)} <= ${this.resetValue(n)};`);
      body.push('    end else begin');
      for (const n of resetRegs) body.push(upd(n, '      '));
      body.push('    end');
    }
    for (const n of plainRegs) body.push(upd(n, '    '));
    for (const { mem, w } of writes) {
      const name = `${p.memNames.get(mem)}[${this.expr(w.addr)}]`;
      if (!w.mask) { body.push(`    if (${this.expr(w.enable)}) ${name} <= ${this.expr(w.data)};`); continue; }
      body.push(`    if (${this.expr(w.enable)}) begin`);
      for (let b = 0; b < mem.width / 8; b++) {
        // A one-byte memory's mask is a scalar, which Verilog cannot bit-select.
        const en = w.mask.width === 1 ? this.expr(w.mask) : this.bits(w.mask, b, b);
        body.push(`      if (${en}) ${name}[${b * 8 + 7}:${b * 8}] <= ${this.bits(w.data, b * 8 + 7, b * 8)};`);
      }
      body.push('    end');
    }
    for (const r of reads) {
      const rd = `${this.id(r.data)} <= ${p.memNames.get(r.memory)}[${this.expr(r.addr)}];`;
      const en = r.enable.kind === 'const' && r.enable.value === 1n ? undefined : this.expr(r.enable);
      body.push(en ? `    if (${en}) ${rd}` : `    ${rd}`);
    }
    body.push('  end');
  }

  private resetValue(n: IrNode): string {
    const r = n.reg!.reset!;
    // FSM state registers reset to their initial state's localparam.
    const lp = this.m.localparams.find((x) => x.owner === n && x.value === r);
    return lp ? this.p.paramNames.get(lp)! : literal(n.width, r);
  }

  private instance(inst: IrModule['instances'][number], body: string[]) {
    const conns: string[] = [];
    for (const pt of inst.module.ports) {
      if (pt.domainPort) {
        const pd = inst.domains.get(pt.domainPort.domain.name)!;
        conns.push(`.${pt.name}(${pt.domainPort.role === 'clock' ? pd.clock : pd.reset})`);
      } else if (pt.dir === 'in') conns.push(`.${pt.name}(${this.id(inst.inputs.get(pt.name)!)})`);
      else conns.push(`.${pt.name}(${this.id(inst.outputs.get(pt.name)!)})`);
    }
    body.push('', `  ${inst.module.name} ${this.p.instNames.get(inst)} (  ${where(inst.loc)}`.trimEnd());
    conns.forEach((c, i) => body.push(`    ${c}${i < conns.length - 1 ? ',' : ''}`));
    body.push('  );');
  }

  /** Bits nothing reads are gathered into one `_unused_ok` wire, the lint-clean way to say "deliberately unused". */
  private unusedSink(body: string[]) {
    const parts: string[] = [];
    for (const [n, ranges] of this.p.unusedBits) {
      const id = this.id(n);
      for (const [hi, lo] of ranges) parts.push(n.width === 1 ? id : hi === lo ? `${id}[${hi}]` : `${id}[${hi}:${lo}]`);
    }
    for (const lp of this.m.localparams) if (!this.p.usedParams.has(lp)) parts.push(this.p.paramNames.get(lp)!);
    if (!parts.length) return;
    body.push('', `  wire _unused_ok = &{1'b0, ${parts.join(', ')}, 1'b0};`);
  }
}
