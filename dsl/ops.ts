// The operator library's software semantics: result types and values on bigints.
// Shared by constant folding, the native simulator's reference checks and the differential tests.
import type { OpKind, ScalarType } from './ir.ts';

export const mask = (w: number): bigint => (1n << BigInt(w)) - 1n;

/** Interprets an unsigned bit pattern of width w as a signed or unsigned number. */
export function toNumberValue(pattern: bigint, w: number, signed: boolean): bigint {
  if (signed && w > 0 && (pattern >> BigInt(w - 1)) & 1n) return pattern - (1n << BigInt(w));
  return pattern;
}

/** Wraps any integer to the unsigned bit pattern of width w. */
export const toPattern = (v: bigint, w: number): bigint => v & mask(w);

/** Evaluates one op on unsigned bit patterns; returns the result's unsigned bit pattern. */
export function evalOp(
  op: OpKind, args: { v: bigint; t: ScalarType }[], params: readonly number[], out: ScalarType,
): bigint {
  const w = out.width;
  const a = args[0]!;
  const sv = (x: { v: bigint; t: ScalarType }) => toNumberValue(x.v, x.t.width, x.t.signed);
  switch (op) {
    case 'add': return toPattern(sv(a) + sv(args[1]!), w);
    case 'sub': return toPattern(sv(a) - sv(args[1]!), w);
    case 'mul': return toPattern(sv(a) * sv(args[1]!), w);
    case 'neg': return toPattern(-sv(a), w);
    case 'and': return a.v & args[1]!.v;
    case 'or': return a.v | args[1]!.v;
    case 'xor': return a.v ^ args[1]!.v;
    case 'not': return toPattern(~a.v, w);
    case 'eq': return sv(a) === sv(args[1]!) ? 1n : 0n;
    case 'ne': return sv(a) !== sv(args[1]!) ? 1n : 0n;
    case 'lt': return sv(a) < sv(args[1]!) ? 1n : 0n;
    case 'le': return sv(a) <= sv(args[1]!) ? 1n : 0n;
    case 'gt': return sv(a) > sv(args[1]!) ? 1n : 0n;
    case 'ge': return sv(a) >= sv(args[1]!) ? 1n : 0n;
    case 'shl': return toPattern(a.v << BigInt(params[0]!), w);
    case 'shr': return toPattern(sv(a) >> BigInt(params[0]!), w);
    case 'dshl': {
      const s = args[1]!.v;
      return s >= BigInt(w) ? 0n : toPattern(a.v << s, w);
    }
    case 'dshr': {
      const s = args[1]!.v;
      const big = s >= BigInt(a.t.width) ? BigInt(a.t.width) : s;
      return toPattern(sv(a) >> big, w);
    }
    case 'bit': return (a.v >> BigInt(params[0]!)) & 1n;
    case 'dbit': {
      const i = args[1]!.v;
      return i >= BigInt(a.t.width) ? 0n : (a.v >> i) & 1n;
    }
    case 'slice': return (a.v >> BigInt(params[1]!)) & mask(params[0]! - params[1]! + 1);
    case 'cat': {
      let r = 0n;
      for (const x of args) r = (r << BigInt(x.t.width)) | x.v;
      return r;
    }
    case 'rep': {
      let r = 0n;
      for (let i = 0; i < params[0]!; i++) r = (r << BigInt(a.t.width)) | a.v;
      return r;
    }
    case 'andr': return a.v === mask(a.t.width) ? 1n : 0n;
    case 'orr': return a.v !== 0n ? 1n : 0n;
    case 'xorr': {
      let x = a.v, p = 0n;
      while (x) { p ^= x & 1n; x >>= 1n; }
      return p;
    }
    case 'zext': return a.v;
    case 'sext': return toPattern(sv(a), w);
    case 'cast': return a.v;
    case 'mux': return a.v ? args[1]!.v : args[2]!.v;
  }
}

export const isCompare = (op: OpKind) =>
  op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';

/** ceil(log2(n)), at least 1: the width of an index into n things. */
export function clog2(n: number): number {
  let w = 0;
  while ((1 << w) < n) w++;
  return Math.max(1, w);
}
