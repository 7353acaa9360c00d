// The module being elaborated. Elaboration is synchronous, so a stack is enough.
import { HdlError } from './errors.ts';
import type { SrcLoc } from './ir.ts';
import type { ModuleBuilder } from './module.ts';

const stack: ModuleBuilder[] = [];

export function currentBuilder(loc: SrcLoc | undefined): ModuleBuilder {
  const b = stack[stack.length - 1];
  if (!b) throw new HdlError('context', 'hardware can only be built inside a module body (defineModule)', loc);
  return b;
}

export function withBuilder<T>(b: ModuleBuilder, fn: () => T): T {
  stack.push(b);
  try { return fn(); } finally { stack.pop(); }
}
