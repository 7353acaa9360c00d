// The check passes, run over each module's IR after its body has been built.
import type { IrModule, IrNode, SrcLoc } from '../ir.ts';
import type { Stmt } from '../stmt.ts';
import { lowerStatements } from './lower.ts';
import { checkWidths } from './widths.ts';
import { checkForeign } from './foreign.ts';
import { checkLoops } from './loops.ts';
import { checkCdc } from './cdc.ts';

export type NodeFactory = (p: Omit<IrNode, 'id' | 'module'>) => IrNode;

export function runPasses(m: IrModule, stmts: Stmt[], mkNode: NodeFactory, _ioLoc: SrcLoc | undefined): void {
  lowerStatements(m, stmts, mkNode);
  checkForeign(m);
  checkWidths(m);
  checkLoops(m);
  checkCdc(m);
}
