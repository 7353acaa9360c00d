// The explicit way across clock domains: a chain of flip-flops in the destination domain.
import { callSite } from './source-loc.ts';
import { currentBuilder } from './context.ts';
import { HdlError } from './errors.ts';
import type { Sig, Wire } from './signal.ts';
import type { Domain } from './module.ts';

/**
 * Synchronises `src` (a register output of another domain, e.g. a Gray-coded pointer) into `domain`
 * through `stages` flip-flops. Only the first stage may read the other domain.
 */
export function synchronize(src: Sig, domain: Domain, opts: { stages?: number; reset?: number | bigint } = {}): Sig {
  const loc = callSite();
  const b = currentBuilder(loc);
  const stages = opts.stages ?? 2;
  if (!Number.isInteger(stages) || stages < 2) throw new HdlError('cdc', 'a synchroniser needs at least 2 stages', loc);
  if (src.node.kind !== 'reg' && src.node.kind !== 'input') {
    throw new HdlError('cdc', 'synchronise a register output (or an input port), not combinational logic: glitches would be sampled', loc);
  }
  let prev: Sig = src;
  for (let i = 0; i < stages; i++) {
    const r = b.reg(src.type, { domain, reset: opts.reset }) as Wire;
    r.node.nameSuffix = `sync${i}`;
    if (i === 0) r.node.reg!.syncStage = true;
    r.set(prev);
    prev = r;
  }
  return prev;
}
