// The native compiler: a flattened design becomes JavaScript source (straight-line combinational code in
// topological order, one edge function per clock domain) instantiated with `new Function`.
import { evalOp } from '../../dsl/ops.ts';
import type { OpKind } from '../../dsl/ir.ts';
import type { FlatDesign, FlatNode, FlatInst } from './flatten.ts';
import { isWide, lit, opExpr, PRELUDE, type Arg } from './jsops.ts';
import { litWords, nwOf, wordsOp, wordsPrelude, type WArg } from './jswords.ts';

/** What a value is after constant folding and alias removal: a constant, a state/input slot, or an op. */
export type Rep = { k: 'const'; v: bigint; w: number } | { k: 'node'; f: FlatNode };

export interface OpRep {
  f: FlatNode;
  op: OpKind;
  params: readonly number[];
  args: Rep[];
  /** Argument types as the IR declares them. */
  argTypes: { w: number; s: boolean }[];
}

export interface Analysis {
  flat: FlatDesign;
  /** Representative of each flat node visited (by flat index). */
  reps: (Rep | undefined)[];
  /** Op representatives in topological order. */
  order: OpRep[];
  opOf: Map<FlatNode, OpRep>;
  narrowSlots: number;
  wideSlots: number;
  /** Wide values as 32-bit words (the split representation) rather than bigints. */
  words: boolean;
  /** The most words of any wide value (sizes the scratch buffer). */
  maxWords: number;
}

const sameRep = (a: Rep, b: Rep) => (a.k === 'const' ? b.k === 'const' && a.v === b.v && a.w === b.w : b.k === 'node' && a.f === b.f);

/**
 * Visits the combinational cone of `roots`, computing each node's representative (folding constants,
 * resolving wires, casts and same-representation extensions to their source) and appending new ops
 * to the topological order. Can be called again with more roots.
 */
export function analyse(a: Analysis, roots: Iterable<FlatNode>): void {
  const { flat, reps, order, opOf } = a;
  const deps = (f: FlatNode): FlatNode[] => {
    const n = f.node;
    if (f.kind === 'op') return n.args!.map((x) => flat.resolve(f.inst, x));
    if (f.kind === 'wire') {
      if (!n.driver) throw new Error(`native simulation: wire '${n.name ?? `#${n.id}`}' in '${f.inst.module.name}' has no driver`);
      return [flat.resolve(f.inst, n.driver)];
    }
    return [];
  };
  const finish = (f: FlatNode, ds: FlatNode[]) => {
    const n = f.node;
    let r: Rep;
    switch (f.kind) {
      case 'const': r = { k: 'const', v: n.value!, w: f.width }; break;
      case 'input': case 'reg': case 'memread': r = { k: 'node', f }; break;
      case 'wire': r = reps[ds[0]!.idx]!; break;
      case 'op': r = foldOp(f, ds.map((d) => reps[d.idx]!)); break;
      default: throw new Error(`native simulation: unexpected ${f.kind} node`);
    }
    reps[f.idx] = r;
  };
  const foldOp = (f: FlatNode, args: Rep[]): Rep => {
    const n = f.node;
    const op = n.op!;
    const params = n.params ?? [];
    const argTypes = n.args!.map((x) => ({ w: x.width, s: x.signed }));
    if (args.every((x) => x.k === 'const')) {
      const v = evalOp(op, args.map((x, i) => ({ v: (x as { v: bigint }).v, t: { width: argTypes[i]!.w, signed: argTypes[i]!.s } })), params, { width: f.width, signed: f.signed });
      return { k: 'const', v, w: f.width };
    }
    const a0 = args[0]!;
    // Same representation: both narrow, or both wide (and, split into words, the same number of words).
    const sameClass = (w: number) => isWide(w) === isWide(f.width) && (!a.words || nwOf(w) === nwOf(f.width));
    switch (op) {
      case 'cast': return a0;
      case 'zext': if (sameClass(argTypes[0]!.w)) return a0; break;
      case 'sext': if (argTypes[0]!.w === f.width || (!argTypes[0]!.s && sameClass(argTypes[0]!.w))) return a0; break;
      case 'slice': if (params[1] === 0 && params[0] === argTypes[0]!.w - 1) return a0; break;
      case 'mux': {
        if (a0.k === 'const') return a0.v ? args[1]! : args[2]!;
        if (sameRep(args[1]!, args[2]!)) return args[1]!;
        break;
      }
      case 'and': case 'or': {
        // x & 0 = 0, x & ~0 = x, x | 0 = x, x | ~0 = ~0.
        const all = (1n << BigInt(f.width)) - 1n;
        for (const [c, o] of [[args[0]!, args[1]!], [args[1]!, args[0]!]] as const) {
          if (c.k !== 'const') continue;
          if (op === 'and') return c.v === 0n ? c : c.v === all ? o : mk();
          return c.v === 0n ? o : c.v === all ? c : mk();
        }
        break;
      }
      default: break;
    }
    return mk();
    function mk(): Rep {
      const o: OpRep = { f, op, params, args, argTypes };
      order.push(o);
      opOf.set(f, o);
      return { k: 'node', f };
    }
  };
  // Iterative post-order DFS: deep datapaths must not overflow the JS stack.
  // Flat nodes are created lazily by resolve(), so the state array grows: undefined = new, 1 open, 2 done.
  const state: (1 | 2 | undefined)[] = [];
  for (let i = 0; i < reps.length; i++) if (reps[i]) state[i] = 2;
  for (const root of roots) {
    if (state[root.idx] === 2) continue;
    const stack: { f: FlatNode; ds: FlatNode[]; i: number }[] = [];
    const push = (f: FlatNode) => { state[f.idx] = 1; stack.push({ f, ds: deps(f), i: 0 }); };
    push(root);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.ds.length) {
        const d = top.ds[top.i++]!;
        if (state[d.idx] === undefined) push(d);
        else if (state[d.idx] === 1) throw new Error(`native simulation: combinational loop through '${d.node.name ?? `#${d.node.id}`}' in '${d.inst.module.name}'`);
        continue;
      }
      finish(top.f, top.ds);
      state[top.f.idx] = 2;
      stack.pop();
    }
  }
}

export function newAnalysis(flat: FlatDesign, words = true): Analysis {
  return { flat, reps: [], order: [], opOf: new Map(), narrowSlots: 0, wideSlots: 0, words, maxWords: 1 };
}

/**
 * Gives every source and op representative a storage slot. Narrow values: one element of N (a Uint32Array).
 * Wide values: in words mode nwOf(w) consecutive elements of N; in bigint mode one element of B.
 */
export function assignSlots(a: Analysis, fs: Iterable<FlatNode>) {
  for (const f of fs) {
    if (f.slot !== undefined) continue;
    if (!isWide(f.width)) f.slot = a.narrowSlots++;
    else if (a.words) { f.slot = a.narrowSlots; a.narrowSlots += nwOf(f.width); a.maxWords = Math.max(a.maxWords, nwOf(f.width)); }
    else f.slot = a.wideSlots++;
  }
}

/** The storage of a value: one expression, or (words mode, wide) one per word. */
export function slotRefs(a: Analysis, f: FlatNode): string[] {
  if (!isWide(f.width)) return [`N[${f.slot}]`];
  if (!a.words) return [`B[${f.slot}]`];
  return Array.from({ length: nwOf(f.width) }, (_, i) => `N[${f.slot! + i}]`);
}
/** A value as expressions (one, or one per word): a literal for constants, else its storage. */
export function repRefs(a: Analysis, r: Rep, w: number): string[] {
  if (r.k === 'node') return slotRefs(a, r.f);
  return a.words && isWide(w) ? litWords(r.v, w) : [lit(r.v, w)];
}
const one = (xs: string[]) => { if (xs.length !== 1) throw new Error('native: expected a single-word value'); return xs[0]!; };

/**
 * Generates a settle function: ops needed by `stored` (in topological order) split into chunks of at most
 * `chunkSize` ops (V8 does not optimise huge functions); values crossing chunks go through their slots.
 */
export function genEval(a: Analysis, stored: Set<FlatNode>, chunkSize: number, name = 'settle'): string {
  // Needed ops: the cone of the stored representatives.
  const needed = new Set<OpRep>();
  const todo: OpRep[] = [];
  const need = (r: Rep) => { if (r.k !== 'node') return; const o = a.opOf.get(r.f); if (o && !needed.has(o)) { needed.add(o); todo.push(o); } };
  for (const f of stored) need({ k: 'node', f });
  while (todo.length) for (const r of todo.pop()!.args) need(r);
  const ops = a.order.filter((o) => needed.has(o));
  // Chunks by weight: a word-split op emits a statement (or more) per word.
  const chunkOf = new Map<OpRep, number>();
  const starts = new Set<number>();
  let weight = 0, chunk = -1;
  ops.forEach((o, i) => {
    const wgt = a.words && isWide(o.f.width) ? nwOf(o.f.width) : 1;
    if (chunk < 0 || weight + wgt > chunkSize) { chunk++; weight = 0; starts.add(i); }
    weight += wgt;
    chunkOf.set(o, chunk);
  });
  const store = new Set<FlatNode>(stored);
  for (const o of ops) {
    for (const r of o.args) {
      if (r.k !== 'node') continue;
      const p = a.opOf.get(r.f);
      if (p && chunkOf.get(p)! < chunkOf.get(o)!) store.add(r.f);
    }
  }
  const split = (f: FlatNode) => a.words && isWide(f.width);
  const locals = (f: FlatNode) => (split(f) ? Array.from({ length: nwOf(f.width) }, (_, i) => `v${f.idx}_${i}`) : [`v${f.idx}`]);
  const chunks: string[][] = [];
  let loaded = new Set<FlatNode>();
  let cur: string[] = [];
  ops.forEach((o, i) => {
    if (starts.has(i)) { cur = []; chunks.push(cur); loaded = new Set(); }
    const args: WArg[] = o.args.map((r, j) => {
      const t = o.argTypes[j]!;
      let xs: string[];
      if (r.k === 'const') xs = repRefs(a, r, t.w);
      else {
        const p = a.opOf.get(r.f);
        if ((!p || chunkOf.get(p)! < chunkOf.get(o)!) && !loaded.has(r.f)) {
          loaded.add(r.f);
          const ls = locals(r.f), ss = slotRefs(a, r.f);
          ls.forEach((l, k) => cur.push(`const ${l} = ${ss[k]};`));
        }
        xs = locals(r.f);
      }
      return a.words && isWide(t.w) ? { w: t.w, s: t.s, ws: xs } : { w: t.w, s: t.s, e: one(xs) };
    });
    const outL = locals(o.f);
    if (a.words) {
      const res = wordsOp(o.op, o.params, args, o.f.width, o.f.signed, `t${o.f.idx}_`);
      cur.push(...res.pre);
      if (res.ws) res.ws.forEach((x, k) => cur.push(`const ${outL[k]} = ${x};`));
      else cur.push(`const ${outL[0]} = ${res.e};`);
    } else {
      cur.push(`const ${outL[0]} = ${opExpr(o.op, o.params, args as Arg[], o.f.width, o.f.signed)};`);
    }
    if (store.has(o.f)) slotRefs(a, o.f).forEach((sr, k) => cur.push(`${sr} = ${outL[k]};`));
  });
  const fns = chunks.map((body, i) => `function ${name}_${i}() {\n  ${body.join('\n  ')}\n}`);
  return `${fns.join('\n')}\nfunction ${name}() {\n  ${chunks.map((_, i) => `${name}_${i}();`).join('\n  ')}\n}`;
}

interface EdgeSection { pre: string[]; writes: string[]; commit: string[] }

/** Per top domain: next values from pre-edge slots (`pre`), memory writes, then commits. */
function edgeSections(a: Analysis): EdgeSection[] {
  const { flat } = a;
  let t = 0; // temporaries are numbered across domains so sections can be combined
  const refs = (r: Rep, w: number) => repRefs(a, r, w);
  return flat.domains.map((d) => {
    const pre: string[] = [];
    const writes: string[] = [];
    const commit: string[] = [];
    const rst = d.resetNode ? one(refs(a.reps[d.resetNode.idx] ?? { k: 'node', f: d.resetNode }, 1)) : undefined;
    for (const r of flat.regs) {
      if (r.domain !== d || r.driver === r.node) continue; // never assigned: the emitter leaves it out (holds 0)
      const w = r.node.width;
      const cur = slotRefs(a, r.node);
      const drv = refs(a.reps[r.driver.idx]!, w);
      const en = r.enable ? a.reps[r.enable.idx]! : undefined;
      const resetV = r.reset !== undefined ? refs({ k: 'const', v: r.reset, w }, w) : undefined;
      if (r.reset !== undefined && !rst) throw new Error(`native simulation: register with a reset in domain '${d.ir.name}' but the top has no reset port '${d.reset}'`);
      cur.forEach((c, k) => {
        let next = en === undefined || (en.k === 'const' && en.v === 1n) ? drv[k]!
          : en.k === 'const' ? c : `(${one(refs(en, 1))} ? ${drv[k]} : ${c})`;
        if (resetV) next = `(${rst} ? ${resetV[k]} : ${next})`;
        if (next === c) return;
        pre.push(`t${t} = ${next};`);
        commit.push(`${c} = t${t++};`);
      });
    }
    for (const m of flat.memories) {
      const mem = `M[${m.index}]`;
      const width = m.ir.width;
      const depth = m.ir.depth;
      const full = depth === 2 ** m.ir.addrWidth;
      const split = a.words && isWide(width);
      const nw = split ? nwOf(width) : 1;
      const zero = isWide(width) && !a.words ? '0n' : '0';
      const cell = (addr: string, k: number) => (split ? `${mem}[${addr} * ${nw} + ${k}]` : `${mem}[${addr}]`);
      for (const rp of m.reads) {
        if (rp.domain !== d) continue;
        const addr = one(refs(a.reps[rp.addr.idx]!, rp.addr.width));
        const en = a.reps[rp.enable.idx]!;
        if (en.k === 'const' && en.v === 0n) continue;
        // Out-of-range addresses (depth not a power of two) read 0, as Verilator's model does.
        slotRefs(a, rp.data).forEach((c, k) => {
          const read = full ? cell(addr, k) : `(${addr} < ${depth} ? ${cell(addr, k)} : ${zero})`;
          pre.push(`t${t} = ${en.k === 'const' ? read : `(${one(refs(en, 1))} ? ${read} : ${c})`};`);
          commit.push(`${c} = t${t++};`);
        });
      }
      for (const wp of m.writes) {
        if (wp.domain !== d) continue;
        const en = a.reps[wp.enable.idx]!;
        if (en.k === 'const' && en.v === 0n) continue;
        const addr = one(refs(a.reps[wp.addr.idx]!, wp.addr.width));
        const data = refs(a.reps[wp.data.idx]!, width);
        const guard = full ? '' : `if (${addr} < ${depth}) `;
        const body: string[] = [];
        if (!wp.mask) data.forEach((x, k) => body.push(`${cell(addr, k)} = ${x};`));
        else {
          const nb = width / 8;
          const mk = refs(a.reps[wp.mask.idx]!, wp.mask.width);
          if (!isWide(width)) body.push(`{ const bm = byteMaskN(${one(mk)}, ${nb}); ${cell(addr, 0)} = ((${cell(addr, 0)} & ~bm) | (${data[0]} & bm)) >>> 0; }`);
          else if (!a.words) body.push(`{ const bm = byteMaskB(${one(mk)}, ${nb}); ${cell(addr, 0)} = (${cell(addr, 0)} & ~bm) | (${data[0]} & bm); }`);
          else {
            // Word k holds bytes 4k..4k+3: their mask bits, from the mask's word (4k >> 5).
            data.forEach((x, k) => {
              const bits = `((${mk[(4 * k) >> 5]} >>> ${(4 * k) & 31}) & 15)`;
              body.push(`{ const bm = byteMaskN(${bits}, 4); ${cell(addr, k)} = ((${cell(addr, k)} & ~bm) | (${x} & bm)) >>> 0; }`);
            });
          }
        }
        // Write addresses and data are read before any commit: ports of one domain apply in order (a later port wins).
        const stmt = `${guard}{ ${body.join(' ')} }`;
        writes.push(en.k === 'const' ? stmt : `if (${one(refs(en, 1))}) ${stmt}`);
      }
    }
    return { pre, writes, commit };
  });
}

const temps = (secs: EdgeSection[]) => secs.flatMap((x) => x.pre.map((p) => p.slice(0, p.indexOf(' '))));

/**
 * Edge functions: `edgeK()` for top domain K alone, and `edgeMulti(on)` for the domains with on[K] true rising
 * at the same instant (every domain samples pre-edge values, reads precede writes, then everything commits).
 */
export function genEdges(a: Analysis): string[] {
  const secs = edgeSections(a);
  const fns = secs.map((x, i) => {
    const ts = temps([x]);
    const decl = ts.length ? `let ${ts.join(', ')};\n  ` : '';
    return `function edge${i}() {\n  ${decl}${[...x.pre, ...x.writes, ...x.commit].join('\n  ')}\n}`;
  });
  const ts = temps(secs);
  const guard = (part: keyof EdgeSection) => secs.map((x, i) => (x[part].length ? `if (on[${i}]) {\n    ${x[part].join('\n    ')}\n  }` : '')).filter(Boolean);
  fns.push(`function edgeMulti(on) {\n  ${ts.length ? `let ${ts.join(', ')};\n  ` : ''}${[...guard('pre'), ...guard('writes'), ...guard('commit')].join('\n  ')}\n}`);
  return fns;
}

/** Builds the JS module text: prelude, settle, edge functions; returns the factory source. */
export function moduleSource(a: Analysis, parts: string[], exportsList: string[]): string {
  return `'use strict';\n${PRELUDE}\n${a.words ? wordsPrelude(a.maxWords) : ''}\n${parts.join('\n')}\nreturn { ${exportsList.join(', ')} };`;
}

export type Factory = (N: Uint32Array, B: bigint[], M: (Uint32Array | bigint[])[]) => Record<string, (...args: never[]) => void>;

export function instantiate(src: string): Factory {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('N', 'B', 'M', src) as Factory;
}

export type { FlatInst };
