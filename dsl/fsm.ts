// A finite-state-machine helper: named states become localparams in the Verilog.
import { callSite } from './source-loc.ts';
import { currentBuilder } from './context.ts';
import { Sig, Wire } from './signal.ts';
import { HdlError } from './errors.ts';
import { UInt } from './types.ts';
import { clog2 } from './ops.ts';
import { switchOn } from './control.ts';
import type { IrLocalParam } from './ir.ts';
import type { Domain } from './module.ts';

export class Fsm<S extends string> {
  /** The state register. */
  readonly state: Wire;
  private readonly codes = new Map<S, Sig>();

  constructor(readonly stateNames: readonly S[], opts: { initial?: S; domain?: Domain; name?: string }) {
    const loc = callSite();
    const b = currentBuilder(loc);
    if (stateNames.length < 2) throw new HdlError('fsm', 'an FSM needs at least two states', loc);
    if (new Set(stateNames).size !== stateNames.length) throw new HdlError('fsm', 'FSM state names must be distinct', loc);
    const initial = opts.initial ?? stateNames[0]!;
    const w = clog2(stateNames.length);
    this.state = b.reg(UInt(w), { reset: stateNames.indexOf(initial), domain: opts.domain, name: opts.name }) as Wire;
    stateNames.forEach((s, i) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new HdlError('fsm', `state name '${s}' is not a legal identifier`, loc);
      const lp: IrLocalParam = { name: s, width: w, value: BigInt(i), loc, owner: this.state.node };
      b.ir.localparams.push(lp);
      const c = b.node({ kind: 'const', width: w, signed: false, value: BigInt(i), symbol: lp, loc });
      this.codes.set(s, new Sig(c));
    });
  }

  /** The encoding of a state, as a constant signal. */
  code(s: S): Sig {
    const c = this.codes.get(s);
    if (!c) throw new HdlError('fsm', `unknown state '${s}' (states: ${this.stateNames.join(', ')})`, callSite());
    return c;
  }
  /** True while in state s. */
  is(s: S): Sig { return this.state.eq(this.code(s)); }
  /** Moves to state s at the next clock edge (under the enclosing when). */
  goto(s: S): void { this.state.set(this.code(s)); }
  /** Runs the handler of the current state; states without a handler do nothing. */
  switch(handlers: Partial<Record<S, () => void>>): void {
    let sw = switchOn(this.state);
    for (const s of this.stateNames) {
      const h = handlers[s];
      if (h) sw = sw.is(this.code(s), h);
    }
  }
}

/** Creates an FSM whose state register is named after the variable it is bound to. */
export function fsm<const S extends string>(states: readonly S[], opts: { initial?: S; domain?: Domain; name?: string } = {}): Fsm<S> {
  return new Fsm(states, opts);
}
