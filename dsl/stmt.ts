// The statement tree recorded while a module body runs; lowered to muxes by passes/lower.ts.
import type { IrNode, SrcLoc } from './ir.ts';

export interface AssignStmt { kind: 'assign'; target: IrNode; value: IrNode; loc: SrcLoc | undefined }
export interface WhenBranch { cond: IrNode | undefined; body: Stmt[]; loc: SrcLoc | undefined }
export interface WhenStmt { kind: 'when'; branches: WhenBranch[]; loc: SrcLoc | undefined; closed: boolean }
export type Stmt = AssignStmt | WhenStmt;
