// Re-checks every operator's operand types and every driver's width: no silent truncation anywhere.
import type { IrModule } from '../ir.ts';
import { opResultType } from '../op-types.ts';
import { HdlError } from '../errors.ts';
import { label } from './lower.ts';

export function checkWidths(m: IrModule): void {
  for (const n of m.nodes) {
    if (n.kind === 'op') {
      const t = opResultType(n.op!, n.args!, n.params ?? []);
      if (typeof t === 'string') throw new HdlError('width', `${n.op}: ${t}`, n.loc);
      if (t.width !== n.width || t.signed !== n.signed) throw new HdlError('width', `${n.op} result should be ${t.width} bits`, n.loc);
    }
    if ((n.kind === 'wire' || n.kind === 'reg') && n.driver && (n.driver.width !== n.width || n.driver.signed !== n.signed)) {
      throw new HdlError('width', `'${label(n)}' (${n.width} bits) is driven by a ${n.driver.width}-bit value`, n.driver.loc, [{ what: 'declared here', loc: n.loc }]);
    }
  }
}
