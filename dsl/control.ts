// when / elseWhen / otherwise and switch: recorded as a statement tree, lowered to muxes later.
import { callSite } from './source-loc.ts';
import { currentBuilder } from './context.ts';
import { Sig, lift, type SigLike } from './signal.ts';
import { Bool } from './types.ts';
import { HdlError } from './errors.ts';
import type { WhenStmt } from './stmt.ts';

export interface WhenChain {
  elseWhen(cond: SigLike, body: () => void): WhenChain;
  otherwise(body: () => void): void;
}

function branch(w: WhenStmt | undefined, cond: SigLike | undefined, body: () => void, last: boolean): WhenStmt {
  const loc = callSite();
  const b = currentBuilder(loc);
  let c: Sig | undefined;
  if (cond !== undefined) {
    c = lift(cond, Bool, loc);
    if (c.width !== 1) throw new HdlError('width', `a when condition must be Bool, got ${c.type}`, loc);
  }
  const stmt = b.beginWhen(c, loc, w);
  try { body(); } finally { b.endWhen(stmt, last); }
  return stmt;
}

function chain(w: WhenStmt): WhenChain {
  return {
    elseWhen: (cond, body) => chain(branch(w, cond, body, false)),
    otherwise: (body) => { branch(w, undefined, body, true); },
  };
}

/** Runs body's assignments only when cond is true. Later assignments override earlier ones. */
export function when(cond: SigLike, body: () => void): WhenChain {
  return chain(branch(undefined, cond, body, false));
}

export interface SwitchChain {
  is(value: SigLike | SigLike[], body: () => void): SwitchChain;
  default(body: () => void): void;
}

/**
 * switch(sel).is(1, ...).is([2, 3], ...).default(...). A switch whose cases cover every value of sel
 * needs no default.
 */
export function switchOn(sel: Sig): SwitchChain {
  const seen = new Set<bigint>();
  let w: WhenStmt | undefined;
  const full = () => sel.width <= 16 && BigInt(seen.size) === 1n << BigInt(sel.width);
  const self: SwitchChain = {
    is(value, body) {
      const loc = callSite();
      const vals = (Array.isArray(value) ? value : [value]).map((v) => lift(v, sel, loc));
      let cond: Sig | undefined;
      for (const v of vals) {
        if (v.node.kind === 'const') {
          if (seen.has(v.node.value!)) throw new HdlError('control', `switch case ${v.node.value} appears twice`, loc);
          seen.add(v.node.value!);
        }
        const e = sel.eq(v);
        cond = cond ? cond.or(e) : e;
      }
      // The case that completes a full enumeration is the final else, so the switch is complete.
      if (full()) { w = branch(w, undefined, body, true); return self; }
      w = branch(w, cond!, body, false);
      return self;
    },
    default(body) { w = branch(w, undefined, body, true); },
  };
  return self;
}
