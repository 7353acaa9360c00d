// JavaScript expressions for every IR operator, exact at every width.
// A value of width <= 32 is a JS number holding its unsigned bit pattern (0 <= v < 2**w);
// a wider value is a bigint holding its unsigned bit pattern. The semantics are those of evalOp (dsl/ops.ts).
import type { OpKind } from '../../dsl/ir.ts';

export const NARROW = 32;
export const isWide = (w: number) => w > NARROW;

export interface Arg { e: string; w: number; s: boolean }

const mask = (w: number): bigint => (1n << BigInt(w)) - 1n;
/** A literal of a value's representation (number or bigint). */
export function lit(v: bigint, w: number): string {
  return isWide(w) ? `0x${v.toString(16)}n` : String(Number(v));
}
const big = (v: bigint | number) => `0x${BigInt(v).toString(16)}n`;

/** Wraps a JS integer expression (an int32 or an exact double) to the unsigned pattern of width w <= 32. */
function wrapN(w: number, x: string): string {
  return w === 32 ? `((${x}) >>> 0)` : `((${x}) & ${Number(mask(w))})`;
}
/** The signed value (an int32) of a narrow pattern of width w. */
function svN(w: number, x: string): string {
  if (w === 32) return `(${x} | 0)`;
  const sh = 32 - w;
  return `((${x} << ${sh}) >> ${sh})`;
}
const wrapW = (w: number, x: string) => `BigInt.asUintN(${w}, ${x})`;
const svW = (w: number, x: string) => `BigInt.asIntN(${w}, ${x})`;
const b01 = (c: string) => `(${c} ? 1 : 0)`;
/** An unsigned amount (a shift or index) compared against a number bound; the amount may be a number or a bigint. */
const geq = (a: Arg, bound: number) => (isWide(a.w) ? `${a.e} >= ${big(bound)}` : `${a.e} >= ${bound}`);
/** True when an unsigned amount of width aw can never reach `bound`. */
const neverReaches = (aw: number, bound: number) => aw < 31 && (2 ** aw) - 1 < bound;

/**
 * The expression computing `op` over args (whose `e` are side-effect-free expressions, cheap to repeat:
 * locals or literals). `w`/`s` is the result type.
 */
export function opExpr(op: OpKind, params: readonly number[], args: readonly Arg[], w: number, s: boolean): string {
  const a = args[0]!;
  const b = args[1];
  const W = isWide(w);
  const aW = isWide(a.w);
  switch (op) {
    case 'add': return W ? wrapW(w, `${a.e} + ${b!.e}`) : wrapN(w, `${a.e} + ${b!.e}`);
    case 'sub': return W ? wrapW(w, `${a.e} - ${b!.e}`) : wrapN(w, `${a.e} - ${b!.e}`);
    case 'mul':
      if (W) return wrapW(w, `${a.e} * ${b!.e}`);
      // Products below 2**53 are exact doubles; beyond, Math.imul gives the low 32 bits.
      return w <= 26 ? wrapN(w, `${a.e} * ${b!.e}`) : wrapN(w, `Math.imul(${a.e}, ${b!.e})`);
    case 'neg': return W ? wrapW(w, `-${a.e}`) : wrapN(w, `-${a.e}`);
    case 'and': return W ? `(${a.e} & ${b!.e})` : w === 32 ? `((${a.e} & ${b!.e}) >>> 0)` : `(${a.e} & ${b!.e})`;
    case 'or': return W ? `(${a.e} | ${b!.e})` : w === 32 ? `((${a.e} | ${b!.e}) >>> 0)` : `(${a.e} | ${b!.e})`;
    case 'xor': return W ? `(${a.e} ^ ${b!.e})` : w === 32 ? `((${a.e} ^ ${b!.e}) >>> 0)` : `(${a.e} ^ ${b!.e})`;
    case 'not': return W ? `(${a.e} ^ ${big(mask(w))})` : w === 32 ? `(~${a.e} >>> 0)` : `(${a.e} ^ ${Number(mask(w))})`;
    case 'eq': return b01(`${a.e} === ${b!.e}`);
    case 'ne': return b01(`${a.e} !== ${b!.e}`);
    case 'lt': case 'le': case 'gt': case 'ge': {
      const rel = { lt: '<', le: '<=', gt: '>', ge: '>=' }[op];
      if (!a.s) return b01(`${a.e} ${rel} ${b!.e}`);
      if (!aW) return b01(`${svN(a.w, a.e)} ${rel} ${svN(a.w, b!.e)}`);
      // Flipping the sign bit maps two's-complement order onto unsigned order.
      const sb = big(1n << BigInt(a.w - 1));
      return b01(`(${a.e} ^ ${sb}) ${rel} (${b!.e} ^ ${sb})`);
    }
    case 'shl': {
      const k = params[0]!;
      if (k >= w) return lit(0n, w);
      if (k === 0) return a.e;
      return W ? wrapW(w, `${a.e} << ${k}n`) : wrapN(w, `${a.e} << ${k}`);
    }
    case 'shr': {
      const k = params[0]!;
      if (!s) {
        if (k >= w) return lit(0n, w);
        if (k === 0) return a.e;
        return W ? `(${a.e} >> ${k}n)` : `(${a.e} >>> ${k})`;
      }
      const kk = Math.min(k, w - 1);
      if (kk === 0) return a.e;
      return W ? wrapW(w, `${svW(w, a.e)} >> ${kk}n`) : wrapN(w, `${svN(w, a.e)} >> ${kk}`);
    }
    case 'dshl': {
      const sh = b!;
      const amt = W ? (isWide(sh.w) ? sh.e : `BigInt(${sh.e})`) : (isWide(sh.w) ? `Number(${sh.e})` : sh.e);
      const body = W ? wrapW(w, `${a.e} << ${amt}`) : wrapN(w, `${a.e} << ${amt}`);
      return neverReaches(sh.w, w) ? body : `(${geq(sh, w)} ? ${lit(0n, w)} : ${body})`;
    }
    case 'dshr': {
      const sh = b!;
      if (!s) {
        const amt = aW ? (isWide(sh.w) ? sh.e : `BigInt(${sh.e})`) : (isWide(sh.w) ? `Number(${sh.e})` : sh.e);
        const body = aW ? `(${a.e} >> ${amt})` : `(${a.e} >>> ${amt})`;
        return neverReaches(sh.w, a.w) ? body : `(${geq(sh, a.w)} ? ${lit(0n, w)} : ${body})`;
      }
      // Arithmetic: shifting by wa-1 or more leaves only sign bits.
      const cap = a.w - 1;
      if (cap === 0) return a.e;
      const amtN = isWide(sh.w) ? `Number(${sh.e})` : sh.e;
      const capped = neverReaches(sh.w, cap) ? amtN : `(${geq(sh, cap)} ? ${cap} : ${amtN})`;
      return aW ? wrapW(w, `${svW(a.w, a.e)} >> BigInt(${capped})`) : wrapN(w, `${svN(a.w, a.e)} >> ${capped}`);
    }
    case 'bit': {
      const i = params[0]!;
      if (a.w === 1) return a.e;
      return aW ? `Number((${a.e} >> ${i}n) & 1n)` : i === 0 ? `(${a.e} & 1)` : `((${a.e} >>> ${i}) & 1)`;
    }
    case 'dbit': {
      const ix = b!;
      const body = aW
        ? `Number((${a.e} >> ${isWide(ix.w) ? ix.e : `BigInt(${ix.e})`}) & 1n)`
        : `((${a.e} >>> ${isWide(ix.w) ? `Number(${ix.e})` : ix.e}) & 1)`;
      return neverReaches(ix.w, a.w) ? body : `(${geq(ix, a.w)} ? 0 : ${body})`;
    }
    case 'slice': {
      const [hi, lo] = params as [number, number];
      const ow = hi - lo + 1;
      if (lo === 0 && hi === a.w - 1) return a.e;
      if (!aW) {
        const sh = lo === 0 ? a.e : `(${a.e} >>> ${lo})`;
        return hi === a.w - 1 ? sh : `(${sh} & ${Number(mask(ow))})`;
      }
      const sh = lo === 0 ? a.e : `(${a.e} >> ${lo}n)`;
      const v = hi === a.w - 1 ? sh : wrapW(ow, sh);
      return isWide(ow) ? v : `Number(${v})`;
    }
    case 'cat': return catExpr(args, w);
    case 'rep': {
      const n = params[0]!;
      if (n === 1) return a.e;
      let k = 0n;
      for (let i = 0; i < n; i++) k = (k << BigInt(a.w)) | 1n;
      if (!W) return `(${a.e} * ${Number(k)})`; // exact: the product is below 2**32
      return `(${aW ? a.e : `BigInt(${a.e})`} * ${big(k)})`;
    }
    case 'andr': return a.w === 1 ? a.e : b01(`${a.e} === ${lit(mask(a.w), a.w)}`);
    case 'orr': return a.w === 1 ? a.e : b01(`${a.e} !== ${lit(0n, a.w)}`);
    case 'xorr': return a.w === 1 ? a.e : aW ? `parityB(${a.e})` : `parity(${a.e})`;
    case 'zext': return W && !aW ? `BigInt(${a.e})` : a.e;
    case 'sext': {
      // evalOp extends by the operand's own signedness: sext of an unsigned value zero-extends.
      if (!a.s) return W && !aW ? `BigInt(${a.e})` : a.e;
      if (w === a.w) return a.e;
      if (!W) return wrapN(w, svN(a.w, a.e));
      if (!aW) return wrapW(w, `BigInt(${svN(a.w, a.e)})`);
      const sb = big(1n << BigInt(a.w - 1));
      return `((${a.e} & ${sb}) !== 0n ? (${a.e} | ${big(mask(w) ^ mask(a.w))}) : ${a.e})`;
    }
    case 'cast': return a.e;
    case 'mux': return `(${a.e} ? ${b!.e} : ${args[2]!.e})`;
  }
}

/** Concatenation, most significant first: narrow neighbours are packed into one number before widening. */
function catExpr(args: readonly Arg[], w: number): string {
  // Terms from the least significant end: [expr, offset, width, wide].
  const terms: { e: string; off: number; w: number; wide: boolean }[] = [];
  let off = 0;
  let group: { parts: { e: string; off: number }[]; off: number; w: number } | undefined;
  const flush = () => {
    if (!group) return;
    const g = group;
    const parts = g.parts.map((p) => (p.off === 0 ? p.e : `(${p.e} << ${p.off})`));
    const e = parts.length === 1 ? parts[0]! : g.w === 32 ? `((${parts.join(' | ')}) >>> 0)` : `(${parts.join(' | ')})`;
    terms.push({ e, off: g.off, w: g.w, wide: false });
    group = undefined;
  };
  for (let i = args.length - 1; i >= 0; i--) {
    const x = args[i]!;
    if (isWide(x.w)) {
      flush();
      terms.push({ e: x.e, off, w: x.w, wide: true });
    } else {
      if (group && group.w + x.w > 32) flush();
      group ??= { parts: [], off, w: 0 };
      group.parts.push({ e: x.e, off: off - group.off });
      group.w += x.w;
    }
    off += x.w;
  }
  flush();
  if (!isWide(w)) return terms[0]!.e; // everything fit in one group
  const parts = terms.map((t) => {
    const e = t.wide ? t.e : `BigInt(${t.e})`;
    return t.off === 0 ? e : `(${e} << ${t.off}n)`;
  });
  return `(${parts.join(' | ')})`;
}

/** Helper functions the generated code may call (defined in its prelude). */
export const PRELUDE = `
function parity(x) { x ^= x >>> 16; x ^= x >>> 8; x ^= x >>> 4; return (0x6996 >>> (x & 15)) & 1; }
function parityB(x) { let p = 0; while (x !== 0n) { p ^= parity(Number(BigInt.asUintN(32, x))); x >>= 32n; } return p; }
function byteMaskN(m, n) { let r = 0; for (let i = 0; i < n; i++) if ((m >>> i) & 1) r |= 0xff << (8 * i); return r >>> 0; }
function byteMaskB(m, n) { let r = 0n; const mb = BigInt(m); for (let i = 0; i < n; i++) if ((mb >> BigInt(i)) & 1n) r |= 0xffn << BigInt(8 * i); return r; }
`;
