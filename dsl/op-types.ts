// Result-type rules of every operator: used by the front end when building and by the width-check pass.
import type { IrNode, OpKind, ScalarType } from './ir.ts';

const T = (width: number, signed: boolean): ScalarType => ({ width, signed });
const str = (t: ScalarType) => (t.width === 1 && !t.signed ? 'Bool' : `${t.signed ? 'SInt' : 'UInt'}(${t.width})`);

/** The result type of op on args, or a message saying why the operands are not acceptable. */
export function opResultType(op: OpKind, args: readonly ScalarType[] | readonly IrNode[], params: readonly number[]): ScalarType | string {
  const a = args[0]!;
  const b = args[1];
  const same = () => (b && (a.width !== b.width || a.signed !== b.signed)
    ? `operand types differ: ${str(a)} vs ${str(b)}; extend, truncate or cast explicitly` : undefined);
  switch (op) {
    case 'add': case 'sub': case 'mul': case 'and': case 'or': case 'xor':
      return same() ?? T(a.width, a.signed);
    case 'neg': case 'not':
      return T(a.width, a.signed);
    case 'eq': case 'ne': case 'lt': case 'le': case 'gt': case 'ge':
      return same() ?? T(1, false);
    case 'shl': case 'shr':
      if (!Number.isInteger(params[0]) || params[0]! < 0) return `shift amount must be a non-negative integer, got ${params[0]}`;
      return T(a.width, a.signed);
    case 'dshl': case 'dshr':
      if (b!.signed) return `a dynamic shift amount must be unsigned, got ${str(b!)}`;
      return T(a.width, a.signed);
    case 'bit':
      if (!Number.isInteger(params[0]) || params[0]! < 0 || params[0]! >= a.width) return `bit index ${params[0]} is outside ${str(a)}`;
      return T(1, false);
    case 'dbit':
      if (b!.signed) return `a dynamic bit index must be unsigned, got ${str(b!)}`;
      return T(1, false);
    case 'slice': {
      const [hi, lo] = params as [number, number];
      if (!Number.isInteger(hi) || !Number.isInteger(lo) || lo < 0 || hi < lo || hi >= a.width) return `slice [${hi}:${lo}] is outside ${str(a)}`;
      return T(hi - lo + 1, false);
    }
    case 'cat':
      return T(args.reduce((s, x) => s + x.width, 0), false);
    case 'rep':
      if (!Number.isInteger(params[0]) || params[0]! < 1) return `replicate count must be a positive integer, got ${params[0]}`;
      return T(a.width * params[0]!, false);
    case 'andr': case 'orr': case 'xorr':
      return T(1, false);
    case 'zext': case 'sext':
      if (!Number.isInteger(params[0]) || params[0]! < a.width) return `cannot extend ${str(a)} to ${params[0]} bits; use trunc() to narrow`;
      return T(params[0]!, a.signed);
    case 'cast':
      return T(a.width, params[0] === 1);
    case 'mux': {
      const c = a, x = b!, y = args[2]!;
      if (c.width !== 1) return `mux condition must be Bool, got ${str(c)}`;
      if (x.width !== y.width || x.signed !== y.signed) return `mux arms differ: ${str(x)} vs ${str(y)}`;
      return T(x.width, x.signed);
    }
  }
  return `unknown op ${op as string}`;
}
