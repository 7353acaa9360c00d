// Random, well-formed DSL designs for differential testing of the simulators.
//
// A circuit is described by plain data (CircuitD): widths, operand references (numbers taken modulo the
// values available), parameters. fast-check generates and shrinks the description; `realize` turns it into
// a module definition through the DSL's public API and, from the same code path, into DSL source text, so
// a failing case can be printed as a program that rebuilds it.
//
// The description is always realizable: operands are coerced (trunc/extend/asSInt/asUInt) to the types an
// operator needs, results are kept within 130 bits, wires only read values created before them (no
// combinational loops) and state elements only read values of their own clock domain (no CDC errors).
import fc from 'fast-check';
import {
  defineModule, elaborate, input, output, UInt, SInt, mux, cat, lit, when, switchOn,
  type ModuleBuilder, type ModuleDef, type Sig, type Wire, type Memory, type Domain, type IrDesign, type WhenChain,
} from '../../dsl/index.ts';

// ---------------------------------------------------------------------------------------------
// The description

export interface TypeD { w: number; s: boolean }

export const OPS = [
  'add', 'sub', 'mul', 'addWide', 'subWide', 'mulWide', 'neg', 'and', 'or', 'xor', 'not',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'shl', 'shr', 'dshl', 'dshr', 'bit', 'dbit', 'slice', 'cat', 'rep',
  'andR', 'orR', 'xorR', 'zext', 'sext', 'extend', 'trunc', 'asSInt', 'asUInt', 'mux', 'land', 'lor', 'lnot',
] as const;
export type OpName = (typeof OPS)[number];

export interface RegD { t: TypeD; reset: bigint | undefined; enable: { input: number; bit: number } | undefined; domain: number }
export interface MemD { width: number; depth: number; init: bigint[] | undefined; mask: boolean; wdomain: number; rdomain: number }
export type StepD =
  | { k: 'op'; op: OpName; a: number; b: number; c: number; p: number; q: number; lit: bigint | undefined }
  | { k: 'lit'; t: TypeD; v: bigint }
  | { k: 'read'; mem: number; addr: number; en: number | undefined }
  | { k: 'wire'; def: number }
  | { k: 'inst'; child: number; ins: number[] };
export interface BranchD { cond: number; sel: number; body: StmtD[] }
export type StmtD =
  | { k: 'set'; target: number; value: number }
  | { k: 'write'; mem: number; addr: number; data: number; en: number | undefined; mask: number }
  | { k: 'when'; branches: BranchD[]; otherwise: StmtD[] | undefined }
  | { k: 'switch'; sel: number; selW: number; cases: { vals: number[]; body: StmtD[] }[]; dflt: StmtD[] | undefined };
export interface CircuitD {
  inputs: TypeD[];
  twoDomains: boolean;
  regs: RegD[];
  mems: MemD[];
  steps: StepD[];
  stmts: StmtD[];
  outputs: { t: TypeD; ref: number }[];
  children: CircuitD[];
}

// ---------------------------------------------------------------------------------------------
// Arbitraries (built only from combinators that shrink without context, so a failing circuit found
// elsewhere can be handed back to fast-check as an example and shrunk)

export const MAX_W = 130;
const INTERESTING_W = [1, 2, 3, 7, 8, 16, 31, 32, 33, 53, 63, 64, 65, 127, 128, 129, 130];
export const widthArb = fc.oneof(fc.constantFrom(...INTERESTING_W), fc.integer({ min: 1, max: MAX_W }));
export const typeArb = fc.record({ w: widthArb, s: fc.boolean() });
const ALL = (1n << BigInt(MAX_W)) - 1n;
export const bigArb = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: ALL }) },
  { weight: 1, arbitrary: fc.constantFrom(0n, 1n, ALL, 1n << 129n, (1n << 31n) - 1n, 1n << 31n, 1n << 63n) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 300n }) },
);
const refArb = fc.nat({ max: 1023 });
const optRef = fc.option(refArb, { nil: undefined });

const stepArb = fc.oneof(
  { weight: 12, arbitrary: fc.record({ k: fc.constant('op' as const), op: fc.constantFrom(...OPS), a: refArb, b: refArb, c: refArb, p: fc.nat({ max: 255 }), q: fc.nat({ max: 255 }), lit: fc.option(bigArb, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('lit' as const), t: typeArb, v: bigArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('read' as const), mem: fc.nat({ max: 3 }), addr: refArb, en: optRef }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('wire' as const), def: refArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('inst' as const), child: fc.nat({ max: 3 }), ins: fc.array(refArb, { minLength: 6, maxLength: 6 }) }) },
);

const setArb = fc.record({ k: fc.constant('set' as const), target: fc.nat({ max: 63 }), value: refArb });
const writeArb = fc.record({ k: fc.constant('write' as const), mem: fc.nat({ max: 3 }), addr: refArb, data: refArb, en: optRef, mask: refArb });
const leafArb: fc.Arbitrary<StmtD> = fc.oneof({ weight: 4, arbitrary: setArb }, { weight: 1, arbitrary: writeArb });
const whenArb = (body: fc.Arbitrary<StmtD>): fc.Arbitrary<StmtD> => fc.record({
  k: fc.constant('when' as const),
  branches: fc.array(fc.record({ cond: refArb, sel: fc.nat({ max: 255 }), body: fc.array(body, { maxLength: 3 }) }), { minLength: 1, maxLength: 3 }),
  otherwise: fc.option(fc.array(body, { maxLength: 3 }), { nil: undefined }),
});
const switchArb = (body: fc.Arbitrary<StmtD>): fc.Arbitrary<StmtD> => fc.record({
  k: fc.constant('switch' as const),
  sel: refArb,
  selW: fc.integer({ min: 1, max: 3 }),
  cases: fc.array(fc.record({ vals: fc.array(fc.nat({ max: 7 }), { minLength: 1, maxLength: 2 }), body: fc.array(body, { maxLength: 3 }) }), { minLength: 1, maxLength: 4 }),
  dflt: fc.option(fc.array(body, { maxLength: 3 }), { nil: undefined }),
});
const stmt1 = fc.oneof({ weight: 3, arbitrary: leafArb }, { weight: 1, arbitrary: whenArb(leafArb) }, { weight: 1, arbitrary: switchArb(leafArb) });
const stmt2 = fc.oneof({ weight: 3, arbitrary: leafArb }, { weight: 2, arbitrary: whenArb(stmt1) }, { weight: 1, arbitrary: switchArb(stmt1) });

const regArb = fc.record({
  t: typeArb,
  reset: fc.option(bigArb, { nil: undefined }),
  enable: fc.option(fc.record({ input: fc.nat({ max: 7 }), bit: fc.nat({ max: 255 }) }), { nil: undefined }),
  domain: fc.nat({ max: 1 }),
});
const memArb = fc.record({
  width: fc.oneof(widthArb, fc.constantFrom(8, 16, 24, 32, 40, 64, 72, 128)),
  depth: fc.oneof(fc.constantFrom(2, 4, 8, 16, 32), fc.integer({ min: 2, max: 40 })),
  init: fc.option(fc.array(bigArb, { maxLength: 40 }), { nil: undefined }),
  mask: fc.boolean(),
  wdomain: fc.nat({ max: 1 }),
  rdomain: fc.nat({ max: 1 }),
});

export interface CircuitArbOptions {
  /** Allow a second clock domain 'b' (registers and memory ports in it; dual-clock memories). Default true. */
  twoDomains?: boolean;
  /** Allow child instances (one level). Default true. */
  children?: boolean;
  maxSteps?: number;
}

export function circuitArb(opts: CircuitArbOptions = {}): fc.Arbitrary<CircuitD> {
  const maxSteps = opts.maxSteps ?? 30;
  const base = (children: fc.Arbitrary<CircuitD[]>) => fc.record({
    inputs: fc.array(typeArb, { minLength: 1, maxLength: 5 }),
    twoDomains: opts.twoDomains === false ? fc.constant(false) : fc.boolean(),
    regs: fc.array(regArb, { maxLength: 5 }),
    mems: fc.array(memArb, { maxLength: 2 }),
    steps: fc.array(stepArb, { minLength: 1, maxLength: maxSteps }),
    stmts: fc.array(stmt2, { maxLength: 6 }),
    outputs: fc.array(fc.record({ t: typeArb, ref: refArb }), { minLength: 1, maxLength: 5 }),
    children,
  });
  // An always-empty array arbitrary (not fc.constant([]), which recognises only its own array instance when
  // shrinking without context).
  const leaf = base(fc.array(fc.constant(undefined as unknown as CircuitD), { maxLength: 0 }));
  return opts.children === false ? leaf : base(fc.array(leaf, { maxLength: 2 }));
}

// ---------------------------------------------------------------------------------------------
// Realization: DSL objects and source text from one code path

interface V {
  t: TypeD;
  /** The source expression (a variable name). */
  src: string;
  sig: Sig | undefined;
  /** Clock domains whose state this value reads combinationally (bit 0 default, bit 1 'b'). */
  taint: number;
  /** The pool index this value was derived from (wires may only read lower indices). */
  pos: number;
}

interface Target { kind: 'reg' | 'wire' | 'out'; v: V; domain: number; pos: number; out?: number }

const typeSrc = (t: TypeD) => (t.w === 1 && !t.s ? 'Bool' : `${t.s ? 'SInt' : 'UInt'}(${t.w})`);
const mkType = (t: TypeD) => (t.s ? SInt(t.w) : UInt(t.w));
const maskW = (w: number) => (1n << BigInt(w)) - 1n;
const clog2 = (n: number) => { let w = 0; while ((1 << w) < n) w++; return Math.max(1, w); };
const bitsFor = (n: number) => Math.max(1, Math.ceil(Math.log2(n + 1)));

/** A literal of type t from a random pattern: as a JS value the DSL accepts, and as source text. */
function literalOf(v: bigint, t: TypeD): { js: number | bigint; src: string } {
  let x = v & maskW(t.w);
  if (t.s && t.w > 0 && (x >> BigInt(t.w - 1)) & 1n) x -= 1n << BigInt(t.w);
  const small = x >= -(1n << 31n) && x < 1n << 31n;
  return small ? { js: Number(x), src: String(x) } : { js: x, src: `${x}n` };
}

class Ctx {
  readonly lines: string[] = [];
  private depth = 1;
  private n = 0;
  constructor(readonly dsl: boolean) {}
  line(s: string) { this.lines.push(`${'  '.repeat(this.depth)}${s}`); }
  indent<T>(f: () => T): T { this.depth++; try { return f(); } finally { this.depth--; } }
  fresh(prefix = 'v') { return `${prefix}${this.n++}`; }
  /** `const vN = expr;` with the DSL value built by `make` (only in DSL mode). */
  bind(expr: string, t: TypeD, taint: number, pos: number, make: () => Sig, prefix = 'v'): V {
    const name = this.fresh(prefix);
    this.line(`const ${name} = ${expr};`);
    let sig: Sig | undefined;
    if (this.dsl) {
      sig = make();
      if (sig.width !== t.w || sig.signed !== t.s) {
        throw new Error(`random-circuit: ${name} = ${expr} has type ${sig.type}, the generator expected ${typeSrc(t)}`);
      }
    }
    return { t, src: name, sig, taint, pos };
  }
  /** A method call on a value. Arguments: values, or literals { js, src }. */
  call(recv: V, method: string, args: (V | { js: number | bigint; src: string })[], t: TypeD, taint = recv.taint, pos = recv.pos): V {
    const argSrc = args.map((x) => ('src' in x && 't' in x ? (x as V).src : x.src)).join(', ');
    const jsArgs = () => args.map((x) => ('t' in x ? (x as V).sig! : x.js));
    return this.bind(`${recv.src}.${method}(${argSrc})`, t, taint, pos, () => (recv.sig as unknown as Record<string, (...a: unknown[]) => Sig>)[method]!(...jsArgs()));
  }
}

interface Realized {
  inputs: TypeD[];
  outputs: TypeD[];
  outTaint: number[];
}

interface ChildInfo { def: ModuleDef<Record<string, never>, unknown> | undefined; name: string; r: Realized }

/**
 * Runs the description. With `m` (inside a module body) it builds the hardware; always it produces source.
 */
function run(d: CircuitD, ctx: Ctx, m: ModuleBuilder | undefined, children: ChildInfo[], ro: RealizeOptions): Realized & { io: unknown } {
  const dsl = ctx.dsl;
  const safe = ro.verilogSafe === true;
  const nIn = d.inputs.length;
  const outTypes = d.outputs.map((o) => o.t);
  // Ports
  const ioSpec: Record<string, unknown> = {};
  const specSrc: string[] = [];
  d.inputs.forEach((t, i) => { ioSpec[`i${i}`] = input(mkType(t)); specSrc.push(`i${i}: input(${typeSrc(t)})`); });
  outTypes.forEach((t, i) => { ioSpec[`o${i}`] = output(mkType(t)); specSrc.push(`o${i}: output(${typeSrc(t)})`); });
  ctx.line(`const io = m.io({ ${specSrc.join(', ')} });`);
  const io = dsl ? (m!.io(ioSpec as never) as Record<string, Sig>) : undefined;
  let domB: Domain | undefined;
  if (d.twoDomains) {
    ctx.line(`const b = m.domain('b');`);
    if (dsl) domB = m!.domain('b');
  }
  const domOpt = (dom: number) => (d.twoDomains && dom === 1 ? { src: 'domain: b', js: { domain: domB } } : { src: '', js: {} });
  const domainOf = (dom: number) => (d.twoDomains ? dom & 1 : 0);

  const pool: V[] = [];
  d.inputs.forEach((t, i) => pool.push({ t, src: `io.i${i}`, sig: io?.[`i${i}`], taint: 0, pos: i }));

  // Helpers
  /** Readable by logic of domain `dom` (undefined: anything; -1: no domain's state at all). */
  const compatible = (v: V, dom: number | undefined) => dom === undefined || (dom < 0 ? v.taint === 0 : (v.taint & ~(1 << dom)) === 0);
  /** pool[ref mod n] or the nearest lower value that is readable from `dom` and below `limit`. */
  const pick = (ref: number, dom?: number, limit = pool.length): V => {
    const n = Math.min(limit, pool.length);
    for (let i = ref % n; i >= 0; i--) if (compatible(pool[i]!, dom)) return pool[i]!;
    return pool[0]!; // an input: readable from anywhere
  };
  const conv = (v0: V, t: TypeD): V => {
    let v = v0;
    if (v.t.w > t.w) v = ctx.call(v, 'trunc', [{ js: t.w, src: String(t.w) }], { w: t.w, s: v.t.s });
    if (v.t.w < t.w) v = ctx.call(v, 'extend', [{ js: t.w, src: String(t.w) }], { w: t.w, s: v.t.s });
    if (v.t.s !== t.s) v = ctx.call(v, t.s ? 'asSInt' : 'asUInt', [], t);
    return v;
  };
  const sign = (v: V, s: boolean) => (v.t.s === s ? v : ctx.call(v, s ? 'asSInt' : 'asUInt', [], { w: v.t.w, s }));
  const unsigned = (v: V) => sign(v, false);
  const truncTo = (v: V, w: number) => (v.t.w > w ? ctx.call(v, 'trunc', [{ js: w, src: String(w) }], { w, s: v.t.s }) : v);
  const BOOL: TypeD = { w: 1, s: false };
  const toBool = (v: V, sel: number): V => {
    if (v.t.w === 1) return unsigned(v);
    switch (sel % 3) {
      case 0: return ctx.call(v, 'orR', [], BOOL);
      case 1: { const i = sel % v.t.w; return ctx.call(v, 'bit', [{ js: i, src: String(i) }], BOOL); }
      default: return ctx.call(v, 'xorR', [], BOOL);
    }
  };
  const num = (n: number) => ({ js: n, src: String(n) });
  const join = (...vs: V[]) => ({ taint: vs.reduce((t, v) => t | v.taint, 0), pos: Math.max(...vs.map((v) => v.pos)) });

  // Registers
  const regs: { v: V; domain: number }[] = [];
  d.regs.forEach((r) => {
    const dom = domainOf(r.domain);
    const opts: string[] = [];
    const js: Record<string, unknown> = {};
    if (r.reset !== undefined) { const l = literalOf(r.reset, r.t); opts.push(`reset: ${l.src}`); js.reset = l.js; }
    if (r.enable) {
      const src = pool[r.enable.input % nIn]!;
      const en = toBool(src, r.enable.bit);
      opts.push(`enable: ${en.src}`); js.enable = en.sig;
    }
    const dopt = domOpt(dom);
    if (dopt.src) { opts.push(dopt.src); Object.assign(js, dopt.js); }
    const v = ctx.bind(`m.reg(${typeSrc(r.t)}${opts.length ? `, { ${opts.join(', ')} }` : ''})`, r.t, 1 << dom, pool.length,
      () => m!.reg(mkType(r.t), js as never) as unknown as Sig, 'r');
    regs.push({ v, domain: dom });
    pool.push(v);
  });

  // Memories
  const mems: { mem: Memory | undefined; src: string; d: MemD; width: number; depth: number; aw: number }[] = d.mems.map((md) => {
    const width = Math.min(Math.max(1, md.width), MAX_W);
    const depth = Math.max(2, md.depth);
    const init = md.init?.slice(0, depth).map((x) => x & maskW(width));
    const name = ctx.fresh('mem');
    ctx.line(`const ${name} = m.memory(${width}, ${depth}${init ? `, { init: [${init.map((x) => (x < 1n << 31n ? String(x) : `${x}n`)).join(', ')}] }` : ''});`);
    const mem = dsl ? m!.memory(width, depth, init ? { init } : {}) : undefined;
    return { mem, src: name, d: md, width, depth, aw: clog2(depth) };
  });

  // Steps
  const wires: { v: V; pos: number }[] = [];
  for (const st of d.steps) {
    const here = pool.length;
    switch (st.k) {
      case 'lit': {
        const l = literalOf(st.v, st.t);
        pool.push(ctx.bind(`lit(${l.src}, ${typeSrc(st.t)})`, st.t, 0, here, () => lit(l.js, mkType(st.t))));
        break;
      }
      case 'read': {
        if (!mems.length) { pool.push(ctx.call(pick(st.addr), 'not', [], pick(st.addr).t)); break; }
        const mm = mems[st.mem % mems.length]!;
        const dom = domainOf(mm.d.rdomain);
        const addr = conv(pick(st.addr, dom), { w: mm.aw, s: false });
        const opts: string[] = [];
        const js: Record<string, unknown> = {};
        if (st.en !== undefined) { const en = toBool(pick(st.en, dom), st.en); opts.push(`enable: ${en.src}`); js.enable = en.sig; }
        const dopt = domOpt(dom);
        if (dopt.src) { opts.push(dopt.src); Object.assign(js, dopt.js); }
        pool.push(ctx.bind(`${mm.src}.read(${addr.src}${opts.length ? `, { ${opts.join(', ')} }` : ''})`, { w: mm.width, s: false }, 1 << dom, here,
          () => mm.mem!.read(addr.sig!, js as never)));
        break;
      }
      case 'wire': {
        const def = pick(st.def);
        const v = ctx.bind(`m.wire(${typeSrc(def.t)}, { default: ${def.src} })`, def.t, def.taint, here,
          () => m!.wire(mkType(def.t), { default: def.sig! }) as unknown as Sig, 'w');
        wires.push({ v, pos: here });
        pool.push(v);
        break;
      }
      case 'inst': {
        if (!children.length) { const a = pick(st.ins[0]!); pool.push(ctx.call(a, 'neg', [], a.t)); break; }
        const ch = children[st.child % children.length]!;
        const u = ctx.fresh('u');
        ctx.line(`const ${u} = m.instance(${ch.name});`);
        const inst = dsl ? (m!.instance(ch.def!) as Record<string, Wire>) : undefined;
        ch.r.inputs.forEach((t, i) => {
          // Child inputs may feed either domain inside the child: drive them from domain-free values.
          const v = conv(pick(st.ins[i % st.ins.length]!, -1), t);
          ctx.line(`${u}.i${i}.set(${v.src});`);
          if (dsl) inst![`i${i}`]!.set(v.sig!);
        });
        ch.r.outputs.forEach((t, i) => pool.push({ t, src: `${u}.o${i}`, sig: inst?.[`o${i}`], taint: ch.r.outTaint[i]!, pos: here }));
        break;
      }
      case 'op': pool.push(opStep(st)); break;
    }
  }

  function opStep(st: Extract<StepD, { k: 'op' }>): V {
    const A = pick(st.a);
    const withLit = st.lit !== undefined && st.p % 3 === 0;
    const Bv = () => pick(st.b);
    const litFor = (t: TypeD) => literalOf(st.lit!, t);
    const same = (method: string, outT: (a: TypeD) => TypeD) => {
      if (withLit) return ctx.call(A, method, [litFor(A.t)], outT(A.t));
      const B = conv(Bv(), A.t);
      const j = join(A, B);
      return ctx.call(A, method, [B], outT(A.t), j.taint, j.pos);
    };
    const amount = (limit: number) => {
      let B = unsigned(Bv());
      // Verilator 5.006 rejects a shift whose amount is (or constant-folds to) 2**32 or more ("Value too wide
      // for 32-bits expected"), and shifts a narrow value by an amount wider than 64 bits wrongly: for it,
      // amounts stay within 32 bits (the native and reference comparisons cover the wider ones).
      if (safe) B = truncTo(B, 32);
      return st.q % 2 === 0 ? truncTo(B, Math.min(B.t.w, bitsFor(limit) + 1)) : B;
    };
    switch (st.op) {
      case 'add': case 'sub': case 'mul': case 'and': case 'or': case 'xor':
        return same(st.op, (t) => t);
      case 'eq': case 'ne': case 'lt': case 'le': case 'gt': case 'ge':
        return same(st.op, () => BOOL);
      case 'addWide': case 'subWide': {
        const a = truncTo(A, MAX_W - 1);
        if (withLit) return ctx.call(a, st.op, [litFor(a.t)], { w: a.t.w + 1, s: a.t.s });
        const B = truncTo(sign(Bv(), a.t.s), MAX_W - 1);
        const j = join(a, B);
        return ctx.call(a, st.op, [B], { w: Math.max(a.t.w, B.t.w) + 1, s: a.t.s }, j.taint, j.pos);
      }
      case 'mulWide': {
        if (withLit) { const a = truncTo(A, MAX_W / 2); return ctx.call(a, 'mulWide', [litFor(a.t)], { w: 2 * a.t.w, s: a.t.s }); }
        let a = A;
        let B = sign(Bv(), A.t.s);
        if (a.t.w + B.t.w > MAX_W) { a = truncTo(a, MAX_W / 2); B = truncTo(B, MAX_W / 2); }
        const j = join(a, B);
        return ctx.call(a, 'mulWide', [B], { w: a.t.w + B.t.w, s: a.t.s }, j.taint, j.pos);
      }
      case 'neg': case 'not': return ctx.call(A, st.op, [], A.t);
      case 'shl': case 'shr': return ctx.call(A, st.op, [num(st.p % (A.t.w + 4))], A.t);
      case 'dshl': case 'dshr': {
        const B = amount(A.t.w);
        const j = join(A, B);
        return ctx.call(A, st.op === 'dshl' ? 'shl' : 'shr', [B], A.t, j.taint, j.pos);
      }
      case 'bit': return ctx.call(A, 'bit', [num(st.p % A.t.w)], BOOL);
      case 'dbit': {
        const B = amount(A.t.w);
        const j = join(A, B);
        return ctx.call(A, 'bit', [B], BOOL, j.taint, j.pos);
      }
      case 'slice': {
        const lo = st.p % A.t.w;
        const hi = lo + (st.q % (A.t.w - lo));
        return ctx.call(A, 'slice', [num(hi), num(lo)], { w: hi - lo + 1, s: false });
      }
      case 'trunc': { const w = 1 + (st.p % A.t.w); return ctx.call(A, 'trunc', [num(w)], { w, s: A.t.s }); }
      case 'cat': {
        let xs = [A, Bv()];
        if (st.p % 3 === 0) xs.push(pick(st.c));
        const each = Math.floor(MAX_W / xs.length);
        if (xs.reduce((s, x) => s + x.t.w, 0) > MAX_W) xs = xs.map((x) => truncTo(x, each));
        const w = xs.reduce((s, x) => s + x.t.w, 0);
        const j = join(...xs);
        return ctx.bind(`cat(${xs.map((x) => x.src).join(', ')})`, { w, s: false }, j.taint, j.pos, () => cat(...xs.map((x) => x.sig!)));
      }
      case 'rep': {
        const n = 1 + (st.p % Math.max(1, Math.min(6, Math.floor(MAX_W / A.t.w))));
        return ctx.call(A, 'rep', [num(n)], { w: A.t.w * n, s: false });
      }
      case 'andR': case 'orR': case 'xorR': return ctx.call(A, st.op, [], BOOL);
      case 'zext': case 'sext': case 'extend': {
        const w = A.t.w + (st.p % (MAX_W + 1 - A.t.w));
        // The emitter sign-extends an unsigned value where evalOp zero-extends it.
        const op = safe && st.op === 'sext' && !A.t.s ? 'zext' : st.op;
        return ctx.call(A, op, [num(w)], { w, s: A.t.s });
      }
      case 'asSInt': return ctx.call(A, 'asSInt', [], { w: A.t.w, s: true });
      case 'asUInt': return ctx.call(A, 'asUInt', [], { w: A.t.w, s: false });
      case 'mux': {
        const c = toBool(pick(st.c), st.q);
        if (withLit) {
          const l = litFor(A.t);
          const j = join(c, A);
          return ctx.bind(`mux(${c.src}, ${A.src}, ${l.src})`, A.t, j.taint, j.pos, () => mux(c.sig!, A.sig!, l.js));
        }
        const B = conv(Bv(), A.t);
        const j = join(c, A, B);
        return ctx.bind(`mux(${c.src}, ${A.src}, ${B.src})`, A.t, j.taint, j.pos, () => mux(c.sig!, A.sig!, B.sig!));
      }
      case 'land': case 'lor': {
        const a = toBool(A, st.p);
        const b = toBool(Bv(), st.q);
        const j = join(a, b);
        return ctx.call(a, st.op, [b], BOOL, j.taint, j.pos);
      }
      case 'lnot': return ctx.call(toBool(A, st.p), 'lnot', [], BOOL);
    }
  }

  // Outputs: assigned unconditionally first, so statements may override them under conditions.
  const targets: Target[] = [
    ...regs.map((r) => ({ kind: 'reg' as const, v: r.v, domain: r.domain, pos: Infinity })),
    ...wires.map((w) => ({ kind: 'wire' as const, v: w.v, domain: -2, pos: w.pos })),
  ];
  const outTaint = d.outputs.map(() => 0);
  d.outputs.forEach((o, i) => {
    const outV: V = { t: o.t, src: `io.o${i}`, sig: io?.[`o${i}`], taint: 0, pos: Infinity };
    const v = conv(pick(o.ref), o.t);
    ctx.line(`${outV.src}.set(${v.src});`);
    if (dsl) (outV.sig as Wire).set(v.sig!);
    outTaint[i] = v.taint;
    targets.push({ kind: 'out', v: outV, domain: -1, pos: Infinity, out: i });
  });

  // Statements. `path` is the taint and highest pool position of the enclosing conditions.
  const stmts = (list: StmtD[], path: { taint: number; pos: number }) => { for (const s of list) stmt(s, path); };
  const allowed = (tg: Target, taint: number, pos: number) => {
    if (tg.kind === 'reg') return (taint & ~(1 << tg.domain)) === 0;
    if (tg.kind === 'wire') return pos < tg.pos && (taint & ~tg.v.taint) === 0;
    return true;
  };
  function stmt(s: StmtD, path: { taint: number; pos: number }) {
    switch (s.k) {
      case 'set': {
        const tg = targets[s.target % targets.length]!;
        if (!allowed(tg, path.taint, path.pos)) return;
        let v: V;
        if (tg.kind === 'reg') v = pick(s.value, tg.domain);
        else if (tg.kind === 'wire') {
          // The nearest lower value whose domains the wire already carries (its default's).
          let found: V | undefined;
          for (let i = Math.min(s.value % pool.length, tg.pos - 1); i >= 0; i--) if ((pool[i]!.taint & ~tg.v.taint) === 0) { found = pool[i]; break; }
          v = found ?? pool[0]!;
        } else v = pick(s.value);
        const cv = conv(v, tg.v.t);
        if (tg.out !== undefined) outTaint[tg.out]! |= cv.taint | path.taint;
        ctx.line(`${tg.v.src}.set(${cv.src});`);
        if (dsl) (tg.v.sig as Wire).set(cv.sig!);
        return;
      }
      case 'write': {
        if (!mems.length) return;
        const mm = mems[s.mem % mems.length]!;
        const dom = domainOf(mm.d.wdomain);
        if ((path.taint & ~(1 << dom)) !== 0) return;
        const addr = conv(pick(s.addr, dom), { w: mm.aw, s: false });
        // The emitter part-selects a masked write's data (and mask) as written: they must be identifiers.
        const masked = mm.d.mask && mm.width % 8 === 0;
        const named = (v: V) => (safe && masked ? ctx.bind(`m.wire(${typeSrc(v.t)}, { default: ${v.src} })`, v.t, v.taint, v.pos,
          () => m!.wire(mkType(v.t), { default: v.sig! }) as unknown as Sig, 'w') : v);
        const data = named(conv(pick(s.data, dom), { w: mm.width, s: false }));
        const opts: string[] = [];
        const js: Record<string, unknown> = {};
        if (s.en !== undefined) { const en = toBool(pick(s.en, dom), s.en); opts.push(`enable: ${en.src}`); js.enable = en.sig; }
        if (masked) {
          const mk = named(conv(pick(s.mask, dom), { w: mm.width / 8, s: false }));
          opts.push(`mask: ${mk.src}`); js.mask = mk.sig;
        }
        const dopt = domOpt(dom);
        if (dopt.src) { opts.push(dopt.src); Object.assign(js, dopt.js); }
        ctx.line(`${mm.src}.write(${addr.src}, ${data.src}${opts.length ? `, { ${opts.join(', ')} }` : ''});`);
        if (dsl) mm.mem!.write(addr.sig!, data.sig!, js as never);
        return;
      }
      case 'when': {
        const conds = s.branches.map((b) => toBool(pick(b.cond), b.sel));
        let acc = { ...path };
        const bodies = s.branches.map((b, i) => {
          acc = { taint: acc.taint | conds[i]!.taint, pos: Math.max(acc.pos, conds[i]!.pos) };
          const p = acc;
          return () => ctx.indent(() => stmts(b.body, p));
        });
        const elseP = acc;
        let chain: WhenChain | undefined;
        s.branches.forEach((_, i) => {
          const head = i === 0 ? `when(${conds[0]!.src}, () => {` : `}).elseWhen(${conds[i]!.src}, () => {`;
          ctx.line(head);
          if (dsl) chain = i === 0 ? when(conds[0]!.sig!, bodies[0]!) : chain!.elseWhen(conds[i]!.sig!, bodies[i]!);
          else bodies[i]!();
        });
        if (s.otherwise) {
          ctx.line('}).otherwise(() => {');
          const body = () => ctx.indent(() => stmts(s.otherwise!, elseP));
          if (dsl) chain!.otherwise(body); else body();
        }
        ctx.line('});');
        return;
      }
      case 'switch': {
        const sel = conv(pick(s.sel), { w: s.selW, s: false });
        const p = { taint: path.taint | sel.taint, pos: Math.max(path.pos, sel.pos) };
        const seen = new Set<number>();
        const all = 1 << s.selW;
        let sw = dsl ? switchOn(sel.sig!) : undefined;
        let first = true;
        for (const c of s.cases) {
          if (seen.size === all) break; // complete: no further case (nor default) may follow
          const vals = [...new Set(c.vals.map((x) => x % all))].filter((x) => !seen.has(x));
          if (!vals.length) continue;
          vals.forEach((x) => seen.add(x));
          const vs = vals.length === 1 ? String(vals[0]) : `[${vals.join(', ')}]`;
          ctx.line(`${first ? `switchOn(${sel.src})` : '})'}.is(${vs}, () => {`);
          first = false;
          const body = () => ctx.indent(() => stmts(c.body, p));
          if (dsl) sw = sw!.is(vals.length === 1 ? vals[0]! : vals, body); else body();
        }
        if (s.dflt && seen.size < all) {
          ctx.line('}).default(() => {');
          const body = () => ctx.indent(() => stmts(s.dflt!, p));
          if (dsl) sw!.default(body); else body();
        }
        ctx.line('});');
        return;
      }
    }
  }
  stmts(d.stmts, { taint: 0, pos: -1 });
  ctx.line('return io;');
  return { inputs: d.inputs, outputs: outTypes, outTaint, io };
}

// ---------------------------------------------------------------------------------------------
// Public API

export interface CircuitModule {
  /** The module definition (children are separate definitions it instantiates). */
  def: ModuleDef<Record<string, never>, unknown>;
  name: string;
  /** DSL source of this module and its children, importable from the project root. */
  source: string;
  inputs: TypeD[];
  outputs: TypeD[];
}

const IMPORTS = "import { defineModule, input, output, UInt, SInt, Bool, mux, cat, lit, when, switchOn } from './dsl/index.ts';";

export interface RealizeOptions {
  /**
   * Steer around known emitter bugs (gen/verilog.ts) so a Verilator comparison tests everything else:
   * no sext of an unsigned value (the Verilog replicates its top bit where evalOp zero-extends), and a masked
   * write's data and mask named by wires (the emitter part-selects them as written: `(d + 16'd1)[7:0]`).
   * Also avoids two Verilator 5.006 problems by keeping dynamic shift amounts and bit indexes within 32 bits:
   * amounts wider than 64 bits are mis-simulated, and a constant amount >= 2**32 is rejected.
   */
  verilogSafe?: boolean;
}

interface CircuitModuleInternal extends CircuitModule { realized: Realized; ownSource: string }

/** Defines a module for a description (and its children, named NAME_c0, NAME_c1, ...). */
export function circuitModule(d: CircuitD, name = 'rc', ro: RealizeOptions = {}): CircuitModule {
  return defineCircuit(d, name, ro);
}

function defineCircuit(d: CircuitD, name: string, ro: RealizeOptions): CircuitModuleInternal {
  const kids = d.children.map((c, j) => defineCircuit({ ...c, children: [] }, `${name}_c${j}`, ro));
  const infos: ChildInfo[] = kids.map((k) => ({ def: k.def, name: k.name, r: k.realized }));
  const text = new Ctx(false);
  const realized = run(d, text, undefined, infos, ro);
  const body = text.lines.join('\n');
  const own = `export const ${name} = defineModule('${name}', (m) => {\n${body}\n});`;
  const def = defineModule(name, (m: ModuleBuilder) => {
    const c = new Ctx(true);
    const r = run(d, c, m, infos, ro);
    if (c.lines.join('\n') !== body) throw new Error(`random-circuit: the DSL and text realizations of ${name} diverged`);
    return r.io;
  }) as unknown as ModuleDef<Record<string, never>, unknown>;
  const source = [...kids.map((k) => k.ownSource), own].join('\n\n');
  return { def, name, source, inputs: realized.inputs, outputs: realized.outputs, realized, ownSource: own };
}

/** The full DSL source of a circuit, with imports and an elaboration line: a file that rebuilds it. */
export function circuitSource(d: CircuitD, name = 'rc', ro: RealizeOptions = {}): string {
  return `${IMPORTS}\nimport { elaborate } from './dsl/index.ts';\n\n${circuitModule(d, name, ro).source}\n\nexport const design = elaborate(${name});\n`;
}

/** Elaborates a circuit on its own. */
export function elaborateCircuit(d: CircuitD, name = 'rc', ro: RealizeOptions = {}): IrDesign {
  return elaborate(circuitModule(d, name, ro).def);
}

/**
 * Many circuits as one design: a top `batch` instantiating circuit k as module rcK, with its ports as top
 * ports cK_<port>. One Verilator build then covers every circuit.
 */
export function batchModule(ds: CircuitD[], name = 'batch', ro: RealizeOptions = {}): { def: ModuleDef<Record<string, never>, unknown>; circuits: CircuitModule[]; portOwner: (port: string) => number | undefined } {
  const circuits = ds.map((d, k) => circuitModule(d, `rc${k}`, ro));
  const def = defineModule(name, (m: ModuleBuilder) => {
    const spec: Record<string, unknown> = {};
    circuits.forEach((c, k) => {
      c.inputs.forEach((t, i) => { spec[`c${k}_i${i}`] = input(mkType(t)); });
      c.outputs.forEach((t, i) => { spec[`c${k}_o${i}`] = output(mkType(t)); });
    });
    const io = m.io(spec as never) as Record<string, Wire>;
    circuits.forEach((c, k) => {
      const u = m.instance(c.def, {}, { name: `u${k}` }) as Record<string, Wire>;
      c.inputs.forEach((_, i) => u[`i${i}`]!.set(io[`c${k}_i${i}`]!));
      c.outputs.forEach((_, i) => io[`c${k}_o${i}`]!.set(u[`o${i}`]!));
    });
    return io;
  }) as unknown as ModuleDef<Record<string, never>, unknown>;
  const portOwner = (port: string) => { const mm = /^c(\d+)_/.exec(port); return mm ? Number(mm[1]) : undefined; };
  return { def, circuits, portOwner };
}

// ---------------------------------------------------------------------------------------------
// Descriptions as JSON (bigints as "123n", undefined kept as "undefined" so fast-check recognises the shape)

export function descToJson(d: CircuitD): string {
  return JSON.stringify(d, function (this: Record<string, unknown>, k, v) {
    if (typeof v === 'bigint') return `${v}n`;
    if (v === undefined && k !== '') return 'undefined';
    return v;
  });
}

export function descFromJson(text: string): CircuitD {
  const revive = (x: unknown): unknown => {
    if (typeof x === 'string') return x === 'undefined' ? undefined : /^-?\d+n$/.test(x) ? BigInt(x.slice(0, -1)) : x;
    if (Array.isArray(x)) return x.map(revive);
    if (x && typeof x === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) o[k] = revive(v); // keys stay present even when undefined
      return o;
    }
    return x;
  };
  return revive(JSON.parse(text)) as CircuitD;
}
