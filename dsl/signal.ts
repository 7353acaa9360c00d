// Signals: the front end's handle on IR nodes, with the operator library as methods.
import type { IrNode, OpKind, ScalarType, SrcLoc } from './ir.ts';
import { HdlError } from './errors.ts';
import { callSite } from './source-loc.ts';
import { ScalarT } from './types.ts';
import { mask } from './ops.ts';
import { opResultType } from './op-types.ts';
import { currentBuilder } from './context.ts';

export type SigLike = Sig | number | bigint | boolean;

const describe = (s: Sig) => `${s.node.name ?? `<${s.node.op ?? s.node.kind}>`}: ${s.type}`;

/** A read-only hardware value. Widths never change silently: every resize is spelled out. */
export class Sig {
  constructor(readonly node: IrNode) {}
  get width(): number { return this.node.width; }
  get signed(): boolean { return this.node.signed; }
  get type(): ScalarT { return new ScalarT(this.node.width, this.node.signed); }

  /** Gives the signal an explicit name in the Verilog and waveforms (overrides the TS variable name). */
  named(name: string): this { this.node.name = name; return this; }

  // Arithmetic. Wrapping forms keep the operands' (equal) width; Wide forms grow to hold every result.
  add(b: SigLike): Sig { return binop('add', this, b); }
  sub(b: SigLike): Sig { return binop('sub', this, b); }
  mul(b: SigLike): Sig { return binop('mul', this, b); }
  /** a + b with one extra bit: max(wa, wb) + 1. Operands are extended by their own signedness. */
  addWide(b: SigLike): Sig { return wideop('add', this, b, 1); }
  /** a - b with one extra bit: max(wa, wb) + 1. */
  subWide(b: SigLike): Sig { return wideop('sub', this, b, 1); }
  /** The full product: wa + wb bits. */
  mulWide(b: SigLike): Sig {
    const loc = callSite();
    const o = lift(b, this, loc);
    const w = this.width + o.width;
    return mk('mul', [this.extendTo(w, loc), o.extendTo(w, loc)], [], loc);
  }
  neg(): Sig { return mk('neg', [this], [], callSite()); }

  // Bitwise and logical.
  and(b: SigLike): Sig { return binop('and', this, b); }
  or(b: SigLike): Sig { return binop('or', this, b); }
  xor(b: SigLike): Sig { return binop('xor', this, b); }
  not(): Sig { return mk('not', [this], [], callSite()); }

  // Comparisons: equal types required; signed compare for SInt.
  eq(b: SigLike): Sig { return binop('eq', this, b); }
  ne(b: SigLike): Sig { return binop('ne', this, b); }
  lt(b: SigLike): Sig { return binop('lt', this, b); }
  le(b: SigLike): Sig { return binop('le', this, b); }
  gt(b: SigLike): Sig { return binop('gt', this, b); }
  ge(b: SigLike): Sig { return binop('ge', this, b); }

  // Shifts keep the width. shr is arithmetic on SInt, logical on UInt. A Sig amount is a dynamic shift.
  shl(n: number | Sig): Sig {
    const loc = callSite();
    return typeof n === 'number' ? mk('shl', [this], [n], loc) : mk('dshl', [this, n], [], loc);
  }
  shr(n: number | Sig): Sig {
    const loc = callSite();
    return typeof n === 'number' ? mk('shr', [this], [n], loc) : mk('dshr', [this, n], [], loc);
  }

  // Bits.
  /** One bit, by a constant index or a dynamic (Sig) index; an index past the top reads 0. */
  bit(i: number | Sig): Sig {
    const loc = callSite();
    return typeof i === 'number' ? mk('bit', [this], [i], loc) : mk('dbit', [this, i], [], loc);
  }
  /** Bits hi down to lo inclusive, as an unsigned value. */
  slice(hi: number, lo: number): Sig { return mk('slice', [this], [hi, lo], callSite()); }
  /** The low w bits: the only way to make a value narrower. */
  trunc(w: number): Sig { return mk('slice', [this], [w - 1, 0], callSite()).castTo(this.signed, callSite()); }
  /** The bits of this signal repeated n times. */
  rep(n: number): Sig { return mk('rep', [this], [n], callSite()); }
  andR(): Sig { return mk('andr', [this], [], callSite()); }
  orR(): Sig { return mk('orr', [this], [], callSite()); }
  xorR(): Sig { return mk('xorr', [this], [], callSite()); }
  /** Zero-extends to w bits (w >= width). */
  zext(w: number): Sig { return mk('zext', [this], [w], callSite()); }
  /** Sign-extends to w bits (w >= width). */
  sext(w: number): Sig { return mk('sext', [this], [w], callSite()); }
  /** Extends by the signal's own signedness. */
  extend(w: number): Sig { return this.extendTo(w, callSite()); }
  asUInt(): Sig { return this.castTo(false, callSite()); }
  asSInt(): Sig { return this.castTo(true, callSite()); }

  // Logical operators on Bool.
  lnot(): Sig { return boolop('not', [this]); }
  land(b: SigLike): Sig { return boolop('and', [this, b]); }
  lor(b: SigLike): Sig { return boolop('or', [this, b]); }

  /** @internal */
  extendTo(w: number, loc: SrcLoc | undefined): Sig {
    if (w === this.width) return this;
    return mk(this.signed ? 'sext' : 'zext', [this], [w], loc);
  }
  /** @internal */
  castTo(signed: boolean, loc: SrcLoc | undefined): Sig {
    if (signed === this.signed) return this;
    return mk('cast', [this], [signed ? 1 : 0], loc);
  }
}

/** A signal that can be assigned: outputs, wires, registers (the next value), instance inputs. */
export class Wire extends Sig {
  /** Assigns a value; inside when/switch, only under that condition. The last assignment wins. */
  set(value: SigLike): void {
    const loc = callSite();
    currentBuilder(loc).assign(this, lift(value, this, loc), loc);
  }
}

// Read-only signals have no set() in their TS type; JS callers and casts still get a clear error.
Object.defineProperty(Sig.prototype, 'set', {
  value(this: Sig) {
    const what = this.node.kind === 'input' ? `input '${this.node.name}'` : `the ${this.node.kind === 'op' ? `result of ${this.node.op}` : this.node.kind} (read-only)`;
    throw new HdlError('driver', `cannot drive ${what}`, callSite(), [{ what: 'declared here', loc: this.node.loc }]);
  },
  enumerable: false, writable: true, configurable: true,
});

/** Lifts a TS number/bigint/boolean to a literal of `like`'s type; checks that it fits. */
export function lift(v: SigLike, like: ScalarType, loc: SrcLoc | undefined): Sig {
  if (v instanceof Sig) return v;
  if (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'boolean') {
    throw new HdlError('value', `expected a signal, number, bigint or boolean, got ${v === null ? 'null' : typeof v === 'object' ? 'an object (a struct? assign its fields)' : String(v)}`, loc);
  }
  if (typeof v === 'number' && !Number.isSafeInteger(v)) {
    throw new HdlError('value', `${v} is not an exact integer: use a bigint for values beyond 2^53`, loc);
  }
  return literal(typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v), like, loc);
}

export function literal(v: bigint, t: ScalarType, loc: SrcLoc | undefined): Sig {
  const w = BigInt(t.width);
  const lo = t.signed ? -(1n << (w - 1n)) : 0n;
  const hi = t.signed ? (1n << (w - 1n)) - 1n : (1n << w) - 1n;
  if (v < lo || v > hi) {
    throw new HdlError('width', `literal ${v} does not fit in ${new ScalarT(t.width, t.signed)} (range ${lo}..${hi})`, loc);
  }
  const b = currentBuilder(loc);
  return new Sig(b.node({ kind: 'const', width: t.width, signed: t.signed, value: v & mask(t.width), loc }));
}

/** @internal Creates an op node after checking operand types. */
export function mk(op: OpKind, args: Sig[], params: number[], loc: SrcLoc | undefined): Sig {
  const t = opResultType(op, args.map((a) => a.node), params);
  if (typeof t === 'string') {
    throw new HdlError('width', `${op}: ${t} (operands ${args.map(describe).join(', ')})`, loc);
  }
  const b = currentBuilder(loc);
  return new Sig(b.node({ kind: 'op', op, args: args.map((a) => a.node), params, width: t.width, signed: t.signed, loc }));
}

function binop(op: OpKind, a: Sig, b: SigLike): Sig {
  const loc = callSite();
  return mk(op, [a, lift(b, a, loc)], [], loc);
}

function wideop(op: 'add' | 'sub', a: Sig, b: SigLike, extra: number): Sig {
  const loc = callSite();
  const o = lift(b, a, loc);
  if (o.signed !== a.signed) throw new HdlError('width', `${op}Wide: cannot mix ${a.type} and ${o.type}; cast one explicitly`, loc);
  const w = Math.max(a.width, o.width) + extra;
  return mk(op, [a.extendTo(w, loc), o.extendTo(w, loc)], [], loc);
}

function boolop(op: 'not' | 'and' | 'or', xs: SigLike[]): Sig {
  const loc = callSite();
  const sigs = xs.map((x) => lift(x, new ScalarT(1, false), loc));
  for (const s of sigs) {
    if (s.width !== 1 || s.signed) throw new HdlError('width', `logical ${op} needs Bool operands, got ${describe(s)}; use orR() to test a vector`, loc);
  }
  return mk(op, sigs, [], loc);
}

/** cond ? a : b. Both arms must have the same type; numbers take the other arm's type. */
export function mux(cond: SigLike, a: SigLike, b: SigLike): Sig {
  const loc = callSite();
  const c = lift(cond, new ScalarT(1, false), loc);
  let x: Sig, y: Sig;
  if (a instanceof Sig) { x = a; y = lift(b, a, loc); }
  else if (b instanceof Sig) { y = b; x = lift(a, b, loc); }
  else throw new HdlError('width', 'mux: at least one arm must be a signal (or use lit() to give a literal a type)', loc);
  return mk('mux', [c, x, y], [], loc);
}

/** Concatenation, most significant first (as in Verilog {a, b}). */
export function cat(...xs: Sig[]): Sig {
  const loc = callSite();
  if (xs.length === 0) throw new HdlError('width', 'cat needs at least one signal', loc);
  return xs.length === 1 ? xs[0]!.castTo(false, loc) : mk('cat', xs, [], loc);
}

/** A literal of a given type: lit(5, UInt(8)). */
export function lit(v: number | bigint | boolean, t: ScalarType): Sig {
  const loc = callSite();
  return literal(typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v), t, loc);
}
