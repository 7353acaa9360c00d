// Module definitions, the builder a module body runs against, and elaboration with memoisation.
import { KEYWORDS } from './keywords.ts';
import type { IrDomain, IrInstance, IrMemory, IrModule, IrNode, IrPort, SrcLoc } from './ir.ts';
import { HdlError } from './errors.ts';
import { callSite } from './source-loc.ts';
import { withBuilder, currentBuilder } from './context.ts';
import { Sig, Wire, lift, mk, type SigLike } from './signal.ts';
import { FlipT, ScalarT, StructT, VecT, type Fields, type HwType, leaves, Bool } from './types.ts';
import type { AssignStmt, Stmt, WhenStmt } from './stmt.ts';
import { clog2 } from './ops.ts';
import { runPasses } from './passes/index.ts';

// ---------------------------------------------------------------------------------------------
// Port declarations and the TS types of their values

export interface PortDecl<T extends HwType = HwType, D extends 'in' | 'out' = 'in' | 'out'> {
  readonly __port: true; readonly type: T; readonly dir: D;
}
export const input = <T extends HwType>(type: T): PortDecl<T, 'in'> => ({ __port: true, type, dir: 'in' });
export const output = <T extends HwType>(type: T): PortDecl<T, 'out'> => ({ __port: true, type, dir: 'out' });

type FlipDir<D> = D extends 'in' ? 'out' : 'in';
/** The value of a port of type T seen from inside the module: inputs read-only, outputs assignable. */
export type ValueOf<T, D> =
  T extends ScalarT ? (D extends 'in' ? Sig : Wire)
  : T extends FlipT<infer I> ? ValueOf<I, FlipDir<D>>
  : T extends VecT<infer E> ? ValueOf<E, D>[]
  : T extends StructT<infer F> ? { [K in keyof F]: ValueOf<F[K], D> }
  : never;
export type IoSpec = { readonly [k: string]: PortDecl | IoSpec };
export type IoValue<S> = S extends PortDecl<infer T, infer D> ? ValueOf<T, D> : { [K in keyof S]: IoValue<S[K]> };
/** The io value of a child instance seen from the parent: its inputs become assignable, its outputs read-only. */
export type InstValue<IO> = IO extends Wire ? Sig : IO extends Sig ? Wire : IO extends readonly (infer E)[] ? InstValue<E>[] : { [K in keyof IO]: InstValue<IO[K]> };

/** The value of a state element (register, wire) of type T: assignable leaves. */
/**
 * A register's reset value: one constant for every leaf, or the value's shape (an array for a Vec, of the same
 * length; an object for a Struct, fields without a reset left out).
 */
export type ResetOf<T, Depth extends unknown[] = []> = Depth['length'] extends 8 ? unknown : SigLike | (T extends VecT<infer E> ? readonly ResetOf<E, [...Depth, 0]>[]
  : T extends StructT<infer F> ? { readonly [K in keyof F]?: ResetOf<F[K], [...Depth, 0]> }
  : T extends FlipT<infer I> ? ResetOf<I, [...Depth, 0]>
  : never);

export type StateOf<T> = T extends ScalarT ? Wire
  : T extends FlipT<infer I> ? StateOf<I>
  : T extends VecT<infer E> ? StateOf<E>[]
  : T extends StructT<infer F> ? { [K in keyof F]: StateOf<F[K]> }
  : never;

// ---------------------------------------------------------------------------------------------
// Module definitions

export interface ModuleDef<P, IO> {
  readonly kind: 'module';
  readonly name: string;
  readonly loc: SrcLoc | undefined;
  readonly body: (m: ModuleBuilder, p: P) => IO;
  readonly defaults: P;
  readonly blackbox?: { verilog: string; fileName: string; io: IoSpec };
}

/**
 * Defines a parameterised module generator. The body declares its ports with `m.io({...})` and
 * returns that io value, which types the module's ports for instances and simulation harnesses.
 */
export function defineModule<IO, P = Record<string, never>>(
  name: string,
  body: (m: ModuleBuilder, p: P) => IO,
  defaults?: P,
): ModuleDef<P, IO> {
  checkIdent(name, callSite());
  return { kind: 'module', name, loc: callSite(), body, defaults: (defaults ?? {}) as P };
}

/** Imports an external Verilog module with declared ports; it is emitted as given and cannot be natively simulated. */
export function blackbox<S extends IoSpec>(name: string, io: S, verilog: string, opts: { domains?: string[] } = {}): ModuleDef<Record<string, never>, IoValue<S>> {
  const loc = callSite();
  checkIdent(name, loc);
  return {
    kind: 'module', name, loc, defaults: {}, blackbox: { verilog, fileName: `${name}.v`, io },
    body: (m) => {
      for (const d of opts.domains ?? []) m.domain(d === 'default' ? undefined : d).markUsed();
      return m.io(io as IoSpec) as never;
    },
  };
}

function checkIdent(name: string, loc: SrcLoc | undefined) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new HdlError('name', `'${name}' is not a legal Verilog identifier`, loc);
}

// ---------------------------------------------------------------------------------------------
// Elaboration: one IrModule per (generator, parameters), emitted once

/** A module definition with its type parameters erased, for the elaborator's internals. */
interface AnyModuleDef {
  readonly name: string;
  readonly loc: SrcLoc | undefined;
  readonly body: (m: ModuleBuilder, p: never) => unknown;
  readonly defaults: unknown;
  readonly blackbox?: { verilog: string; fileName: string; io: IoSpec };
}

export class Elaboration {
  private readonly cache = new Map<string, IrModule>();
  private readonly names = new Map<string, string>(); // emitted name -> key, to catch clashes
  readonly modules: IrModule[] = [];
  private nextId = 0;

  newId() { return this.nextId++; }

  module(def: AnyModuleDef, params: object | undefined): IrModule {
    const full = { ...(def.defaults as object), ...(params ?? {}) } as Record<string, unknown>;
    const key = `${def.name}\u0000${stableKey(full)}\u0000${defId(def)}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const name = moduleName(def.name, full);
    const other = this.names.get(name);
    if (other !== undefined && other !== key) {
      throw new HdlError('name', `two different generators or parameter sets both want the module name '${name}'`, def.loc);
    }
    this.names.set(name, key);
    const b = new ModuleBuilder(this, def.name, name, full, def.loc);
    withBuilder(b, () => {
      const io = (def.body as (m: ModuleBuilder, p: unknown) => unknown)(b, full);
      if (b.io_ === undefined) throw new HdlError('io', `module '${def.name}' never declared its ports with m.io({...})`, def.loc);
      void io;
    });
    if (def.blackbox) b.ir.blackbox = { verilog: def.blackbox.verilog, fileName: def.blackbox.fileName };
    b.finish();
    runPasses(b.ir, b.stmts, (p) => b.node(p), b.ioSpecLoc);
    this.cache.set(key, b.ir);
    this.modules.push(b.ir);
    return b.ir;
  }
}

const defIds = new WeakMap<object, number>();
let nextDefId = 0;
function defId(def: object): number {
  let id = defIds.get(def);
  if (id === undefined) { id = nextDefId++; defIds.set(def, id); }
  return id;
}

function stableKey(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x));
}

/** counter + {width: 8} → counter_width8: readable, stable, and distinct per parameter set. */
function moduleName(base: string, params: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) parts.push(`${k}${v}`);
    else if (typeof v === 'bigint' && v >= 0n) parts.push(`${k}${v}`);
    else if (typeof v === 'boolean') parts.push(v ? k : `no_${k}`);
    else if (Array.isArray(v) && v.length > 0 && v.length <= 8 && v.every((x) => Number.isInteger(x) && x >= 0)) parts.push(`${k}${v.join('_')}`);
    else if (typeof v === 'string' && /^[A-Za-z0-9_]+$/.test(v)) parts.push(`${k}_${v}`);
    else if (v !== undefined) parts.push(`${k}_${hash(stableKey(v))}`);
  }
  return parts.length ? `${base}_${parts.join('_')}` : base;
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Elaborates a design: the top module and all it instantiates. Runs every check pass. */
export function elaborate<P, IO>(def: ModuleDef<P, IO>, params?: Partial<P>): import('./ir.ts').IrDesign {
  const e = new Elaboration();
  const top = e.module(def as unknown as AnyModuleDef, params as object | undefined);
  return { top, modules: e.modules };
}

// ---------------------------------------------------------------------------------------------
// Clock domains

export class Domain {
  constructor(readonly ir: IrDomain) {}
  /** @internal */
  markUsed() { this.ir.usedClock = true; this.ir.usedReset = true; }
}

// ---------------------------------------------------------------------------------------------
// Memories

export class Memory {
  constructor(private readonly b: ModuleBuilder, readonly ir: IrMemory) {}
  get width() { return this.ir.width; }
  get depth() { return this.ir.depth; }
  get addrWidth() { return this.ir.addrWidth; }
  named(name: string): this { this.ir.name = name; return this; }

  /** A synchronous write port: writes data at addr on the clock edge when enabled (and under the enclosing when). */
  write(addr: Sig, data: SigLike, opts: { enable?: SigLike; mask?: Sig; domain?: Domain } = {}): void {
    const loc = callSite();
    const b = this.b;
    this.checkAddr(addr, loc);
    const d = lift(data, { width: this.ir.width, signed: false }, loc);
    if (d.width !== this.ir.width) throw new HdlError('width', `memory write data is ${d.type}, the memory holds UInt(${this.ir.width})`, loc);
    let en = b.pathCondition(loc);
    if (opts.enable !== undefined) en = en ? mk('and', [en, lift(opts.enable, Bool, loc)], [], loc) : lift(opts.enable, Bool, loc);
    en ??= lift(true, Bool, loc);
    if (opts.mask && opts.mask.width * 8 !== this.ir.width) throw new HdlError('width', `write mask needs ${this.ir.width / 8} bits (one per byte)`, loc);
    const domain = (opts.domain ?? b.currentDomain()).ir;
    domain.usedClock = true;
    this.ir.writePorts.push({ domain, addr: addr.node, data: d.castTo(false, loc).node, enable: en.node, mask: opts.mask?.node, loc });
  }

  /** A synchronous read port: the data at addr appears after the clock edge (read-before-write). */
  read(addr: Sig, opts: { enable?: SigLike; domain?: Domain } = {}): Sig {
    const loc = callSite();
    const b = this.b;
    this.checkAddr(addr, loc);
    const domain = (opts.domain ?? b.currentDomain()).ir;
    domain.usedClock = true;
    const en = lift(opts.enable ?? true, Bool, loc);
    const data = b.node({ kind: 'memread', width: this.ir.width, signed: false, loc });
    const port = { memory: this.ir, domain, addr: addr.node, enable: en.node, data, loc };
    data.memPort = port;
    this.ir.readPorts.push(port);
    return new Sig(data);
  }

  private checkAddr(addr: Sig, loc: SrcLoc | undefined) {
    if (addr.width !== this.ir.addrWidth || addr.signed) {
      throw new HdlError('width', `memory address must be UInt(${this.ir.addrWidth}) for depth ${this.ir.depth}, got ${addr.type}`, loc);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The builder

export class ModuleBuilder {
  readonly ir: IrModule;
  /** @internal */ readonly stmts: Stmt[] = [];
  /** @internal */ io_: unknown;
  /** @internal */ ioSpecLoc: SrcLoc | undefined;
  private bodyStack: Stmt[][] = [this.stmts];
  private condStack: (Sig | undefined)[] = [];
  private domainStack: Domain[] = [];
  private defaultDomain: Domain | undefined;
  private readonly domainsByName = new Map<string, Domain>();

  constructor(readonly elab: Elaboration, baseName: string, name: string, params: Record<string, unknown>, loc: SrcLoc | undefined) {
    this.ir = { name, baseName, params, loc, ports: [], nodes: [], domains: [], memories: [], instances: [], localparams: [] };
  }

  /** @internal Creates an IR node in this module. */
  node(p: Omit<IrNode, 'id' | 'module'>): IrNode {
    const n = { ...p, id: this.elab.newId(), module: this.ir } as IrNode;
    this.ir.nodes.push(n);
    return n;
  }

  /** The module's parameters, as given to the generator. */
  get params() { return this.ir.params; }

  /** Declares the module's ports. Struct fields and vector elements become ports named path_by_underscores. */
  io<S extends IoSpec>(spec: S): IoValue<S> {
    const loc = callSite();
    if (this.io_ !== undefined) throw new HdlError('io', 'm.io() may be called only once per module', loc);
    this.ioSpecLoc = loc;
    ioSpecs.set(this.ir, spec);
    const build = (s: IoSpec | PortDecl, path: string[]): unknown => {
      if ((s as PortDecl).__port) {
        const decl = s as PortDecl;
        return this.buildValue(decl.type, path, (leafPath, t, flipped) => {
          const dir = flipped ? (decl.dir === 'in' ? 'out' : 'in') : decl.dir;
          return this.port(leafPath.join('_'), dir, t, loc);
        });
      }
      return Object.fromEntries(Object.entries(s as IoSpec).map(([k, v]) => [k, build(v, [...path, k])]));
    };
    this.io_ = build(spec, []);
    return this.io_ as IoValue<S>;
  }

  /** @internal */
  buildValue(t: HwType, path: string[], leaf: (path: string[], t: ScalarT, flipped: boolean) => Sig, flipped = false): unknown {
    switch (t.kind) {
      case 'scalar': return leaf(path, t, flipped);
      case 'flip': return this.buildValue(t.inner, path, leaf, !flipped);
      case 'vec': return Array.from({ length: t.length }, (_, i) => this.buildValue(t.elem, [...path, String(i)], leaf, flipped));
      case 'struct': return Object.fromEntries(Object.entries(t.fields as Fields).map(([k, f]) => [k, this.buildValue(f, [...path, k], leaf, flipped)]));
    }
  }

  private port(name: string, dir: 'in' | 'out', t: ScalarT, loc: SrcLoc | undefined): Sig {
    checkIdent(name, loc);
    // Internal names are renamed around keywords; a port is the module's interface, so it must keep its name.
    if (KEYWORDS.has(name)) throw new HdlError('name', `port '${name}' is a Verilog/SystemVerilog keyword: choose another name`, loc);
    if (this.ir.ports.some((p) => p.name === name)) throw new HdlError('name', `duplicate port '${name}'`, loc);
    const node = this.node({ kind: dir === 'in' ? 'input' : 'wire', width: t.width, signed: t.signed, loc, name });
    const port: IrPort = { name, dir, node, loc };
    node.port = port;
    this.ir.ports.push(port);
    return dir === 'in' ? new Sig(node) : new Wire(node);
  }

  /** A combinational signal. Without a default it must be assigned on every path (no latches). */
  wire<T extends HwType>(type: T, opts: { default?: SigLike; name?: string } = {}): StateOf<T> {
    const loc = callSite();
    return this.buildValue(type, [], (path, t) => {
      const node = this.node({ kind: 'wire', width: t.width, signed: t.signed, loc, name: joinName(opts.name, path), nameSuffix: suffix(path) });
      const w = new Wire(node);
      if (opts.default !== undefined) this.stmts.unshift({ kind: 'assign', target: node, value: lift(opts.default, t, loc).node, loc });
      return w;
    }) as StateOf<T>;
  }

  /**
   * A register: `set()` gives its next value; unassigned it holds. `reset` is its value under the domain's
   * synchronous reset (omit for none); `enable` gates every update.
   */
  reg<T extends HwType>(type: T, opts: { reset?: ResetOf<T>; domain?: Domain; name?: string; enable?: SigLike } = {}): StateOf<T> {
    const loc = callSite();
    const resetValue: unknown = opts.reset;
    if (resetValue !== undefined) checkResetShape(type, resetValue, [], loc);
    const domain = (opts.domain ?? this.currentDomain()).ir;
    domain.usedClock = true;
    const en = opts.enable === undefined ? undefined : lift(opts.enable, Bool, loc);
    return this.buildValue(type, [], (path, t) => {
      const resetLike = pick(resetValue, path);
      let reset: bigint | undefined;
      if (resetLike !== undefined) {
        const r = lift(resetLike as SigLike, t, loc);
        if (r.node.kind !== 'const') throw new HdlError('reset', 'a reset value must be a constant', loc);
        reset = r.node.value;
        domain.usedReset = true;
      }
      const node = this.node({ kind: 'reg', width: t.width, signed: t.signed, loc, name: joinName(opts.name, path), nameSuffix: suffix(path), reg: { domain, reset } });
      const r = new Wire(node);
      if (en) this.regEnables.set(node, en.node);
      return r;
    }) as StateOf<T>;
  }
  /** @internal */ readonly regEnables = new Map<IrNode, IrNode>();

  /** A memory of depth words of `width` bits with synchronous read and write ports. */
  memory(width: number, depth: number, opts: { init?: (number | bigint)[]; name?: string } = {}): Memory {
    const loc = callSite();
    if (!Number.isInteger(depth) || depth < 2) throw new HdlError('memory', `memory depth must be an integer >= 2, got ${depth}`, loc);
    if (!Number.isInteger(width) || width < 1) throw new HdlError('memory', `memory width must be a positive integer, got ${width}`, loc);
    if (opts.init && opts.init.length > depth) throw new HdlError('memory', `${opts.init.length} initial words for a memory of depth ${depth}`, loc);
    const init = opts.init?.map((v, i) => {
      const b = BigInt(v);
      if (b < 0n || b >= 1n << BigInt(width)) throw new HdlError('memory', `initial word ${i} (${v}) does not fit in ${width} bits`, loc);
      return b;
    });
    const ir: IrMemory = { id: this.elab.newId(), name: opts.name, width, depth, addrWidth: clog2(depth), init, loc, writePorts: [], readPorts: [] };
    this.ir.memories.push(ir);
    return new Memory(this, ir);
  }

  /** The default clock domain (ports clk, rst), or a named one (ports NAME_clk, NAME_rst). */
  domain(name?: string): Domain {
    const loc = callSite();
    const key = name ?? 'default';
    const got = this.domainsByName.get(key);
    if (got) return got;
    if (name !== undefined) checkIdent(name, loc);
    const d = new Domain({ name: key, clock: name ? `${name}_clk` : 'clk', reset: name ? `${name}_rst` : 'rst', loc });
    this.domainsByName.set(key, d);
    this.ir.domains.push(d.ir);
    return d;
  }

  /** Runs fn with `d` as the domain of registers and memory ports created inside it. */
  withDomain<T>(d: Domain, fn: () => T): T {
    this.domainStack.push(d);
    try { return fn(); } finally { this.domainStack.pop(); }
  }

  /** @internal */
  currentDomain(): Domain {
    return this.domainStack[this.domainStack.length - 1] ?? (this.defaultDomain ??= this.domain());
  }

  /**
   * Instantiates a child module. Its inputs are assignable here, its outputs readable. Child clock domains
   * are clocked by the parent's domains of the same name unless `domains` maps them.
   */
  instance<P, IO>(def: ModuleDef<P, IO>, params?: Partial<P>, opts: { name?: string; domains?: Record<string, Domain> } = {}): InstValue<IO> {
    const loc = callSite();
    const child = this.elab.module(def as unknown as AnyModuleDef, params as object | undefined);
    const inst: IrInstance = {
      id: this.elab.newId(), name: opts.name, module: child, parent: this.ir, loc,
      inputs: new Map(), outputs: new Map(), domains: new Map(),
    };
    this.ir.instances.push(inst);
    for (const d of child.domains) {
      if (!d.usedClock && !d.usedReset) continue;
      const pd = (opts.domains?.[d.name] ?? (d.name === 'default' ? this.currentDomain() : this.domain(d.name))).ir;
      if (d.usedClock) pd.usedClock = true;
      if (d.usedReset) pd.usedReset = true;
      inst.domains.set(d.name, pd);
    }
    const byName = new Map<string, Sig>();
    for (const p of child.ports) {
      if (p.domainPort) continue;
      const t = { width: p.node.width, signed: p.node.signed };
      if (p.dir === 'in') {
        const w = this.node({ kind: 'wire', ...t, loc, inst, instPort: p.name });
        inst.inputs.set(p.name, w);
        byName.set(p.name, new Wire(w));
      } else {
        const o = this.node({ kind: 'instout', ...t, loc, inst, instPort: p.name });
        inst.outputs.set(p.name, o);
        byName.set(p.name, new Wire(o)); // assignable in type only: assigning it is a multiple-driver error
      }
    }
    // Rebuild the child's io shape over the parent-side signals.
    const spec = (def.blackbox?.io ?? ioSpecOf(child));
    return rebuild(spec, [], byName) as InstValue<IO>;
  }

  // -------- control flow (used by when/switch in control.ts)

  /** @internal */
  assign(target: Wire, value: Sig, loc: SrcLoc | undefined) {
    const t = target.node;
    if (t.module !== this.ir) throw new HdlError('foreign', `'${t.name ?? 'signal'}' belongs to module '${t.module.name}', not '${this.ir.name}'`, loc, [{ what: 'declared here', loc: t.loc }]);
    if (t.kind === 'input') throw new HdlError('driver', `cannot drive input '${t.name}'`, loc, [{ what: 'declared here', loc: t.loc }]);
    if (value.width !== t.width || value.signed !== t.signed) {
      throw new HdlError('width', `cannot assign ${value.type} to '${t.name ?? 'signal'}' of type ${new ScalarT(t.width, t.signed)}; extend, truncate or cast explicitly`, loc, [{ what: 'declared here', loc: t.loc }]);
    }
    const s: AssignStmt = { kind: 'assign', target: t, value: value.node, loc };
    this.closeOpenWhen();
    this.bodyStack[this.bodyStack.length - 1]!.push(s);
  }

  /** @internal */
  beginWhen(cond: Sig | undefined, loc: SrcLoc | undefined, chainOn?: WhenStmt): WhenStmt {
    const body = this.bodyStack[this.bodyStack.length - 1]!;
    let w = chainOn;
    if (!w) {
      this.closeOpenWhen();
      w = { kind: 'when', branches: [], loc, closed: false };
      body.push(w);
    } else if (body[body.length - 1] !== w || w.closed) {
      throw new HdlError('control', 'elseWhen/otherwise must directly follow its when (or elseWhen)', loc);
    }
    const branch = { cond: cond?.node, body: [] as Stmt[], loc };
    w.branches.push(branch);
    // The path condition of this branch: its own condition and the negation of every earlier one.
    let pc: Sig | undefined = cond;
    for (const prev of w.branches.slice(0, -1)) {
      const notPrev = mk('not', [new Sig(prev.cond!)], [], loc);
      pc = pc ? mk('and', [notPrev, pc], [], loc) : notPrev;
    }
    const outer = this.condStack[this.condStack.length - 1];
    this.condStack.push(outer && pc ? mk('and', [outer, pc], [], loc) : (pc ?? outer));
    this.bodyStack.push(branch.body);
    this.openWhen = undefined;
    return w;
  }
  /** @internal */
  endWhen(w: WhenStmt, last: boolean) {
    this.bodyStack.pop();
    this.condStack.pop();
    if (last) w.closed = true;
    else this.openWhen = w;
  }
  private openWhen: WhenStmt | undefined;
  private closeOpenWhen() { if (this.openWhen) { this.openWhen.closed = true; this.openWhen = undefined; } }

  /** @internal The condition under which the current statement runs (undefined = always). */
  pathCondition(_loc: SrcLoc | undefined): Sig | undefined {
    return this.condStack[this.condStack.length - 1];
  }

  /** @internal Adds clock/reset ports of used domains. */
  finish() {
    for (const d of this.ir.domains) {
      if (d.usedClock) this.domainPort(d, 'clock');
      if (d.usedReset) this.domainPort(d, 'reset');
    }
    for (const [reg, en] of this.regEnables) reg.reg!.enable = en;
  }
  private domainPort(d: IrDomain, role: 'clock' | 'reset') {
    const name = role === 'clock' ? d.clock : d.reset;
    if (this.ir.ports.some((p) => p.name === name)) throw new HdlError('name', `port '${name}' clashes with the ${role} of domain '${d.name}'`, d.loc);
    const node = this.node({ kind: 'input', width: 1, signed: false, loc: d.loc, name });
    const port: IrPort = { name, dir: 'in', node, loc: d.loc, domainPort: { domain: d, role } };
    node.port = port;
    // Clock and reset lead the port list, as hardware engineers expect.
    const lead = this.ir.ports.filter((p) => p.domainPort).length;
    this.ir.ports.splice(lead, 0, port);
  }
}


function joinName(base: string | undefined, path: string[]): string | undefined {
  if (base === undefined) return undefined;
  return [base, ...path].join('_');
}

const suffix = (path: string[]) => (path.length ? path.join('_') : undefined);

/** A reset value shaped like its type: arrays only for Vecs (same length), objects only for Structs (known fields). */
function checkResetShape(t: HwType, v: unknown, path: string[], loc: SrcLoc | undefined): void {
  if (v === undefined || typeof v !== 'object' || v instanceof Sig) return;
  const where = path.length ? ` at ${path.join('.')}` : '';
  if (t.kind === 'flip') return checkResetShape(t.inner, v, path, loc);
  if (Array.isArray(v)) {
    if (t.kind !== 'vec') throw new HdlError('reset', `an array reset value${where} for a ${t.kind}`, loc);
    if (v.length !== t.length) throw new HdlError('reset', `reset array${where} has ${v.length} elements for a Vec of ${t.length}`, loc);
    v.forEach((x, i) => checkResetShape(t.elem, x, [...path, String(i)], loc));
    return;
  }
  if (t.kind !== 'struct') throw new HdlError('reset', `an object reset value${where} for a ${t.kind}`, loc);
  const fields = t.fields as Fields;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!(k in fields)) throw new HdlError('reset', `reset value names '${k}'${where}, which the struct does not have`, loc);
    checkResetShape(fields[k]!, x, [...path, k], loc);
  }
}

function pick(v: unknown, path: string[]): unknown {
  let x = v;
  for (const k of path) {
    if (x === undefined || x === null || typeof x !== 'object' || x instanceof Sig) return x;
    x = (x as Record<string, unknown>)[k];
  }
  return x;
}

/** Reconstructs a nested io shape from a module's flattened port list (used for instances). */
const ioSpecs = new WeakMap<IrModule, IoSpec>();
function ioSpecOf(m: IrModule): unknown { return ioSpecs.get(m); }

function rebuild(spec: unknown, path: string[], byName: Map<string, Sig>): unknown {
  if (spec && typeof spec === 'object' && (spec as PortDecl).__port) {
    const decl = spec as PortDecl;
    const walk = (t: HwType, p: string[]): unknown => {
      switch (t.kind) {
        case 'scalar': return byName.get(p.join('_'));
        case 'flip': return walk(t.inner, p);
        case 'vec': return Array.from({ length: t.length }, (_, i) => walk(t.elem, [...p, String(i)]));
        case 'struct': return Object.fromEntries(Object.entries(t.fields as Fields).map(([k, f]) => [k, walk(f, [...p, k])]));
      }
    };
    return walk(decl.type, path);
  }
  return Object.fromEntries(Object.entries(spec as object).map(([k, v]) => [k, rebuild(v, [...path, k], byName)]));
}

export { leaves, currentBuilder };
