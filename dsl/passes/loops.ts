// Combinational loops (reported with the whole loop) and each output's combinational input dependencies.
import type { IrModule, IrNode } from '../ir.ts';
import { HdlError, formatLoc } from '../errors.ts';
import { combDeps, roots } from './graph.ts';
import { label } from './lower.ts';

export function checkLoops(m: IrModule): void {
  const state = new Map<IrNode, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: IrNode[] = [];
  const visit = (root: IrNode) => {
    // Iterative DFS: deep datapaths would overflow the JS stack.
    const work: { n: IrNode; i: number; deps: IrNode[] }[] = [];
    const push = (n: IrNode) => { state.set(n, 1); stack.push(n); work.push({ n, i: 0, deps: combDeps(n) }); };
    if (state.has(root)) return;
    push(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      if (top.i < top.deps.length) {
        const d = top.deps[top.i++]!;
        const s = state.get(d);
        if (s === 1) {
          const loop = stack.slice(stack.indexOf(d));
          const named = loop.filter((n) => n.kind !== 'op' || label(n)[0] !== '<');
          const shown = (named.length ? named : loop);
          throw new HdlError('loop', `combinational loop through ${shown.map(label).join(' -> ')} -> ${label(shown[0]!)}`, (shown[0] ?? d).loc,
            shown.map((n) => ({ what: label(n), loc: n.loc })));
        }
        if (s === undefined) push(d);
      } else {
        state.set(top.n, 2);
        stack.pop();
        work.pop();
      }
    }
  };
  for (const r of roots(m)) visit(r);
  for (const n of m.nodes) if (n.kind === 'wire') visit(n);

  // Output → inputs it depends on without a register in between (used by parents' loop checks).
  const paths = new Map<string, Set<string>>();
  for (const p of m.ports) {
    if (p.dir !== 'out') continue;
    const ins = new Set<string>();
    const seen = new Set<IrNode>();
    const todo = [p.node];
    while (todo.length) {
      const n = todo.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (n.kind === 'input' && n.port && !n.port.domainPort) ins.add(n.port.name);
      todo.push(...combDeps(n));
    }
    paths.set(p.name, ins);
  }
  m.combPaths = paths;
}

export { formatLoc };
