// Lowers the when/switch statement tree to mux expressions: one driver per wire and register.
// Finds incomplete combinational assignments (latches), multiple drivers and undriven signals.
import type { IrModule, IrNode, SrcLoc } from '../ir.ts';
import type { Stmt } from '../stmt.ts';
import { HdlError } from '../errors.ts';
import type { NodeFactory } from './index.ts';
import { nameAt } from '../naming.ts';

/** A value that exists only on some paths: the location of the first conditional assignment. */
interface Partial { partial: true; loc: SrcLoc | undefined }
type Val = IrNode | Partial | undefined;
const isPartial = (v: Val): v is Partial => v !== undefined && (v as Partial).partial === true;

export function lowerStatements(m: IrModule, stmts: Stmt[], mkNode: NodeFactory): void {
  const env = new Map<IrNode, Val>();
  for (const n of m.nodes) if (n.kind === 'reg') env.set(n, n); // registers hold by default
  run(stmts, env);

  function run(list: Stmt[], e: Map<IrNode, Val>) {
    for (const s of list) {
      if (s.kind === 'assign') {
        if (s.target.kind === 'instout') {
          throw new HdlError('driver', `multiple drivers: '${label(s.target)}' is driven by its instance and by this assignment`, s.loc,
            [{ what: 'instance created here', loc: s.target.inst!.loc }]);
        }
        e.set(s.target, s.value);
        continue;
      }
      const targets = new Set<IrNode>();
      collectTargets(s.branches.flatMap((b) => b.body), targets);
      const hasElse = s.branches[s.branches.length - 1]!.cond === undefined;
      const envs = s.branches.map((b) => { const be = new Map(e); run(b.body, be); return be; });
      for (const t of targets) {
        let v: Val = hasElse ? envs[envs.length - 1]!.get(t) : e.get(t);
        for (let i = s.branches.length - (hasElse ? 2 : 1); i >= 0; i--) {
          const br = s.branches[i]!;
          const a = envs[i]!.get(t);
          if (a === undefined || isPartial(a) || v === undefined || isPartial(v)) {
            v = { partial: true, loc: firstLoc(a, v, br.loc) };
            continue;
          }
          v = a === v ? a : mkNode({ kind: 'op', op: 'mux', args: [br.cond!, a, v], width: t.width, signed: t.signed, loc: br.loc });
        }
        e.set(t, v);
      }
    }
  }

  for (const [t, v] of env) {
    if (v === undefined) continue;
    if (isPartial(v)) {
      throw new HdlError('latch', `'${label(t)}' is not assigned on every path and would infer a latch; assign it before the when, give the wire a default, or add otherwise()`, v.loc,
        [{ what: `'${label(t)}' declared here`, loc: t.loc }]);
    }
    if (t.kind === 'reg' && v === t) continue; // holds forever: driver stays itself
    t.driver = v;
  }
  for (const n of m.nodes) {
    if (n.kind === 'reg' && !n.driver) n.driver = n;
    if (n.kind === 'wire' && !n.driver && !m.blackbox) {
      const what = n.inst ? `input '${n.instPort}' of instance '${n.inst.name ?? nameAt(n.inst.loc) ?? n.inst.module.name}'` : n.port ? `output '${n.name}'` : `wire '${label(n)}'`;
      throw new HdlError('undriven', `${what} is never driven`, n.loc);
    }
  }
}

function collectTargets(list: Stmt[], out: Set<IrNode>) {
  for (const s of list) {
    if (s.kind === 'assign') out.add(s.target);
    else collectTargets(s.branches.flatMap((b) => b.body), out);
  }
}

function firstLoc(a: Val, b: Val, fallback: SrcLoc | undefined): SrcLoc | undefined {
  if (isPartial(a)) return a.loc;
  if (isPartial(b)) return b.loc;
  return fallback;
}

export function label(n: IrNode): string {
  if (n.name) return n.name;
  if (n.inst) return `${n.inst.name ?? nameAt(n.inst.loc) ?? n.inst.module.name}.${n.instPort}`;
  const named = n.kind !== 'const' ? nameAt(n.loc) : undefined;
  if (named) return n.nameSuffix ? `${named}_${n.nameSuffix}` : named;
  return `<${n.op ?? n.kind} #${n.id}>`;
}
