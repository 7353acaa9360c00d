// A signal may only be used in the module that created it; crossing modules goes through instance ports.
import type { IrModule, IrNode, SrcLoc } from '../ir.ts';
import { HdlError } from '../errors.ts';
import { label } from './lower.ts';

export function checkForeign(m: IrModule): void {
  const check = (user: { loc: SrcLoc | undefined }, used: IrNode | undefined) => {
    if (used && used.module !== m) {
      throw new HdlError('foreign', `'${label(used)}' belongs to module '${used.module.name}' and cannot be used in '${m.name}'; pass it through a port`, user.loc,
        [{ what: `'${label(used)}' created here`, loc: used.loc }]);
    }
  };
  for (const n of m.nodes) {
    for (const a of n.args ?? []) check(n, a);
    check(n, n.driver);
    if (n.reg?.enable) check(n, n.reg.enable);
  }
  for (const mem of m.memories) {
    for (const w of mem.writePorts) for (const x of [w.addr, w.data, w.enable, w.mask]) check(w, x);
    for (const r of mem.readPorts) for (const x of [r.addr, r.enable]) check(r, x);
  }
}
