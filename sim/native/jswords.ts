// The split representation of wide values: a value wider than 32 bits is an array of 32-bit words (least
// significant first), each a JS number 0 <= x < 2**32 held in its own local; the top word holds only the
// bits of the width (the rest are 0). Operators work on words without allocating, except multiplication,
// which goes through BigInt. Semantics are those of evalOp (dsl/ops.ts), like jsops.ts.
import type { OpKind } from '../../dsl/ir.ts';
import { isWide, opExpr, type Arg } from './jsops.ts';

export const nwOf = (w: number) => Math.ceil(w / 32);
const tbOf = (w: number) => w - 32 * (nwOf(w) - 1);
const maskN = (b: number) => (b === 32 ? 4294967295 : 2 ** b - 1);

/** An operand: a narrow value's expression `e`, or a wide value's word expressions `ws` (cheap to repeat). */
export interface WArg { w: number; s: boolean; e?: string; ws?: string[] }
/** The result: statements to run first (temporaries), then a narrow expression or the word expressions. */
export interface WOut { pre: string[]; e?: string; ws?: string[] }

/** Words of a wide literal. */
export function litWords(v: bigint, w: number): string[] {
  return Array.from({ length: nwOf(w) }, (_, i) => String(Number((v >> BigInt(32 * i)) & 0xffffffffn)));
}

const words = (a: WArg): string[] => a.ws ?? [a.e!];
/** A word wrapped to the top word of width w (or to 32 bits). */
const fitTop = (e: string, w: number) => (tbOf(w) === 32 ? `((${e}) >>> 0)` : `((${e}) & ${maskN(tbOf(w))})`);
const u32 = (e: string) => `((${e}) >>> 0)`;
/** The signed value (int32) of the top word of a value of width w. */
function svTop(top: string, w: number): string {
  const tb = tbOf(w);
  return tb === 32 ? `(${top} | 0)` : `((${top} << ${32 - tb}) >> ${32 - tb})`;
}
/** A BigInt of a value's words. */
const toBig = (ws: string[]) => `(${ws.map((x, i) => (i ? `(BigInt(${x}) << ${32 * i}n)` : `BigInt(${x})`)).join(' | ')})`;

/**
 * An unsigned amount (shift, index) as a number: the value itself below 2**32, else 4294967295 (which is
 * past every width, so it acts the same).
 */
function amountNumber(a: WArg): string {
  if (!a.ws) return a.e!;
  return `((${a.ws.slice(1).join(' | ')}) !== 0 ? 4294967295 : ${a.ws[0]})`;
}

/**
 * `extended(A, wa, signed, n)`: n words of a value extended by its signedness (pre: the sign fill word).
 */
function extendWords(a: WArg, signed: boolean, n: number, tmp: string, pre: string[]): string[] {
  const A = words(a);
  const na = A.length;
  if (!signed) return Array.from({ length: n }, (_, j) => (j < na ? A[j]! : '0'));
  const top = a.ws ? svTop(A[na - 1]!, a.w) : svN(a.w, A[0]!);
  pre.push(`const ${tmp}x = ${top};`, `const ${tmp}f = (${tmp}x >> 31) >>> 0;`);
  return Array.from({ length: n }, (_, j) => (j < na - 1 ? A[j]! : j === na - 1 ? `(${tmp}x >>> 0)` : `${tmp}f`));
}
function svN(w: number, x: string): string {
  if (w === 32) return `(${x} | 0)`;
  return `((${x} << ${32 - w}) >> ${32 - w})`;
}

/** Bits [lo, lo + ow) of a word sequence (beyond it: `fill`), as ceil(ow/32) words, the top one fitted. */
function extract(A: string[], lo: number, ow: number, fill = '0'): string[] {
  const q = lo >> 5, r = lo & 31;
  const at = (j: number) => (j < A.length ? A[j]! : fill);
  const out: string[] = [];
  const n = nwOf(ow);
  for (let j = 0; j < n; j++) {
    const e = r === 0 ? at(q + j) : `(${at(q + j)} >>> ${r}) | (${at(q + j + 1)} << ${32 - r})`;
    out.push(j === n - 1 ? fitTop(e, ow) : u32(e));
  }
  return out;
}

/** Concatenation of parts given least significant first with their widths, as words of width w. */
function place(parts: { ws: string[]; w: number }[], w: number): string[] {
  const n = nwOf(w);
  const contrib: string[][] = Array.from({ length: n }, () => []);
  let off = 0;
  for (const p of parts) {
    p.ws.forEach((x, k) => {
      const ob = off + 32 * k;
      const i = ob >> 5, r = ob & 31;
      if (x === '0') return;
      contrib[i]!.push(r === 0 ? x : `(${x} << ${r})`);
      const bitsHere = Math.min(32, p.w - 32 * k);
      if (r > 0 && r + bitsHere > 32 && i + 1 < n) contrib[i + 1]!.push(`(${x} >>> ${32 - r})`);
    });
    off += p.w;
  }
  return contrib.map((c) => (c.length === 0 ? '0' : c.length === 1 && !c[0]!.includes('<<') ? c[0]! : u32(c.join(' | '))));
}

/** Lays the words of `a` into the scratch buffer X starting at `at`. */
const toScratch = (A: string[], at: number) => A.map((x, j) => `X[${at + j}] = ${x};`);

/**
 * The words (or, for a narrow result, the expression) of `op` over args in the split representation.
 * `tmp` is a unique prefix for temporaries.
 */
export function wordsOp(op: OpKind, params: readonly number[], args: readonly WArg[], w: number, s: boolean, tmp: string): WOut {
  const a = args[0]!;
  const b = args[1];
  const pre: string[] = [];
  const n = nwOf(w);
  const W = isWide(w);
  // Everything narrow: the number code.
  if (!W && args.every((x) => !x.ws)) return { pre, e: opExpr(op, params, args as Arg[], w, s) };
  if (!W && (op === 'dshl' || op === 'dshr')) return { pre, e: narrowWithAmount(op, params, args, w, s) };
  const A = words(a);
  const B = b ? words(b) : [];
  switch (op) {
    case 'add': case 'sub': case 'neg': {
      const X = op === 'neg' ? A.map(() => '0') : A;
      const Y = op === 'neg' ? A : B;
      const sign = op === 'add' ? '+' : '-';
      const ws: string[] = [];
      for (let i = 0; i < n; i++) {
        pre.push(`const ${tmp}s${i} = ${X[i]} ${sign} ${Y[i]}${i ? ` ${sign} ${tmp}c${i - 1}` : ''};`);
        if (i < n - 1) pre.push(`const ${tmp}c${i} = ${tmp}s${i} ${op === 'add' ? '> 4294967295' : '< 0'} ? 1 : 0;`);
        ws.push(i === n - 1 ? fitTop(`${tmp}s${i}`, w) : u32(`${tmp}s${i}`));
      }
      return { pre, ws };
    }
    case 'mul': {
      pre.push(`const ${tmp}p = BigInt.asUintN(${w}, ${toBig(A)} * ${toBig(B)});`);
      return { pre, ws: Array.from({ length: n }, (_, i) => `Number(BigInt.asUintN(32, ${i ? `${tmp}p >> ${32 * i}n` : `${tmp}p`}))`) };
    }
    case 'and': case 'or': case 'xor': {
      const o = { and: '&', or: '|', xor: '^' }[op];
      return { pre, ws: A.map((x, i) => u32(`${x} ${o} ${B[i]}`)) };
    }
    case 'not':
      return { pre, ws: A.map((x, i) => (i === n - 1 && tbOf(w) < 32 ? `(${x} ^ ${maskN(tbOf(w))})` : u32(`~${x}`))) };
    case 'eq': return { pre, e: `(${A.map((x, i) => `${x} === ${B[i]}`).join(' && ')} ? 1 : 0)` };
    case 'ne': return { pre, e: `(${A.map((x, i) => `${x} === ${B[i]}`).join(' && ')} ? 0 : 1)` };
    case 'lt': case 'le': case 'gt': case 'ge': {
      const last = { lt: '<', le: '<=', gt: '>', ge: '>=' }[op];
      const strict = op === 'lt' || op === 'le' ? '<' : '>';
      const na = A.length;
      let e = `${A[0]} ${last} ${B[0]}`;
      for (let i = 1; i < na; i++) {
        const top = i === na - 1 && a.s;
        const x = top ? svTop(A[i]!, a.w) : A[i]!, y = top ? svTop(B[i]!, a.w) : B[i]!;
        e = `(${A[i]} !== ${B[i]} ? ${x} ${strict} ${y} : ${e})`;
      }
      return { pre, e: `(${e} ? 1 : 0)` };
    }
    case 'shl': {
      const k = params[0]!;
      if (k >= w) return { pre, ws: A.map(() => '0') };
      const q = k >> 5, r = k & 31;
      const at = (j: number) => (j >= 0 && j < n ? A[j]! : '0');
      const ws: string[] = [];
      for (let i = 0; i < n; i++) {
        const e = r === 0 ? at(i - q) : `(${at(i - q)} << ${r}) | (${at(i - q - 1)} >>> ${32 - r})`;
        ws.push(i === n - 1 ? fitTop(e, w) : (r === 0 ? at(i - q) : u32(e)));
      }
      return { pre, ws };
    }
    case 'shr': {
      const k = params[0]!;
      if (!s) return { pre, ws: k >= w ? A.map(() => '0') : extract(A, k, w - k).concat(Array(n - nwOf(w - k)).fill('0')) };
      const E = extendWords(a, true, n, tmp, pre);
      return { pre, ws: extract(E, Math.min(k, w - 1), w, `${tmp}f`) };
    }
    case 'dshl': {
      pre.push(`const ${tmp}k = ${amountNumber(b!)};`, ...toScratch(A.map(() => '0'), 0), ...toScratch(A, n));
      pre.push(`const ${tmp}q = ${tmp}k >>> 5, ${tmp}r = ${tmp}k & 31;`);
      const ws = Array.from({ length: n }, (_, i) => {
        const e = `(X[${n + i} - ${tmp}q] << ${tmp}r) | (${tmp}r === 0 ? 0 : X[${n + i - 1} - ${tmp}q] >>> (32 - ${tmp}r))`;
        return `(${tmp}k >= ${w} ? 0 : ${i === n - 1 ? fitTop(e, w) : u32(e)})`;
      });
      return { pre, ws };
    }
    case 'dshr': {
      const k = `${tmp}k`;
      pre.push(`let ${k} = ${amountNumber(b!)};`);
      let fill = '0';
      let E = A;
      if (s) {
        E = extendWords(a, true, n, tmp, pre);
        fill = `${tmp}f`;
        pre.push(`if (${k} > ${w - 1}) ${k} = ${w - 1};`); // only sign bits beyond: wa - 1 is as far as it goes
      }
      pre.push(...toScratch(E, 0), ...Array.from({ length: n + 1 }, (_, j) => `X[${n + j}] = ${fill};`));
      pre.push(`const ${tmp}q = ${k} >>> 5, ${tmp}r = ${k} & 31;`);
      const ws = Array.from({ length: n }, (_, i) => {
        const e = `(X[${i} + ${tmp}q] >>> ${tmp}r) | (${tmp}r === 0 ? 0 : X[${i + 1} + ${tmp}q] << (32 - ${tmp}r))`;
        const v = i === n - 1 ? fitTop(e, w) : u32(e);
        return s ? v : `(${k} >= ${w} ? 0 : ${v})`;
      });
      return { pre, ws };
    }
    case 'bit': {
      const i = params[0]!;
      return { pre, e: `((${A[i >> 5]} >>> ${i & 31}) & 1)` };
    }
    case 'dbit': {
      if (!a.ws) return { pre, e: opExpr('dbit', [], [{ e: a.e!, w: a.w, s: a.s }, { e: amountNumber(b!), w: 32, s: false }], w, s) };
      pre.push(`const ${tmp}k = ${amountNumber(b!)};`, ...toScratch(A, 0));
      return { pre, e: `(${tmp}k >= ${a.w} ? 0 : (X[${tmp}k >>> 5] >>> (${tmp}k & 31)) & 1)` };
    }
    case 'slice': {
      const [hi, lo] = params as [number, number];
      const ws = extract(A, lo, hi - lo + 1);
      return W ? { pre, ws } : { pre, e: ws[0]! };
    }
    case 'cat': {
      const parts = [...args].reverse().map((x) => ({ ws: words(x), w: x.w }));
      return { pre, ws: place(parts, w) };
    }
    case 'rep': {
      const parts = Array.from({ length: params[0]! }, () => ({ ws: A, w: a.w }));
      return { pre, ws: place(parts, w) };
    }
    case 'andr': return { pre, e: `(${A.map((x, i) => `${x} === ${i === A.length - 1 ? maskN(tbOf(a.w)) : 4294967295}`).join(' && ')} ? 1 : 0)` };
    case 'orr': return { pre, e: `((${A.join(' | ')}) !== 0 ? 1 : 0)` };
    case 'xorr': return { pre, e: `parity((${A.join(' ^ ')}) >>> 0)` };
    case 'zext': return { pre, ws: extendWords(a, false, n, tmp, pre) };
    case 'sext': {
      const E = extendWords(a, a.s, n, tmp, pre); // evalOp: an unsigned operand is zero-extended
      return { pre, ws: E.map((x, i) => (i === n - 1 && a.s ? fitTop(x, w) : x)) };
    }
    case 'cast': return W ? { pre, ws: A } : { pre, e: A[0]! };
    case 'mux': {
      const X = words(args[1]!), Y = words(args[2]!);
      return { pre, ws: X.map((x, i) => `(${a.e} ? ${x} : ${Y[i]})`) };
    }
  }
}

/** A narrow op (a dynamic shift of a narrow value) whose amount is wide: the amount as a clamped number. */
function narrowWithAmount(op: OpKind, params: readonly number[], args: readonly WArg[], w: number, s: boolean): string {
  const narrowArgs: Arg[] = args.map((x) => (x.ws ? { e: amountNumber(x), w: 32, s: false } : { e: x.e!, w: x.w, s: x.s }));
  return opExpr(op, params, narrowArgs, w, s);
}

/** Prelude of the words mode: the scratch buffer for dynamic shifts and indexes. */
export const wordsPrelude = (maxWords: number) => `const X = new Uint32Array(${3 * maxWords + 4});`;
