// The native simulator: an elaborated design compiled to JavaScript and run in-process.
//
//   const sim = compileNative(elaborate(Counter, { width: 32 }));
//   const en = sim.port('enable'), count = sim.port('count');
//   en.set(1); sim.edge('clk'); count.get();
//
// Combinational logic settles lazily, in two cones: the next-state logic (what registers and memories read
// at an edge) settles before an edge, the output logic when an output is read. Setting an input or an edge
// marks both stale; eval() and dumpWaves() settle everything. Observationally this is the same as settling
// eagerly after every change, and a typical cycle (set inputs, edge, read outputs) computes each cone once.
import type { IrDesign, IrNode } from '../../dsl/ir.ts';
import type { BackendPort, PortAccess, SimBackend } from '../backend.ts';
import { planModule, type ModulePlan } from '../../gen/plan.ts';
import { flatten, moduleLive, type FlatDesign, type FlatInst, type FlatNode } from './flatten.ts';
import { analyse, assignSlots, genEdges, genEval, instantiate, moduleSource, newAnalysis, type Analysis, type Rep } from './compile.ts';
import { isWide } from './jsops.ts';
import { nwOf } from './jswords.ts';
import { VcdWriter, type VcdScope, type VcdSource } from './vcd.ts';

export { NativeSimError } from './flatten.ts';

export interface NativeOptions {
  /** Ops per generated function, a wide op counting once per word (V8 stops optimising very large functions). Default 1500. */
  chunkSize?: number;
  /**
   * Representation of values wider than 32 bits: 'words' (default) splits them into 32-bit words held in
   * locals and a Uint32Array (no allocation except for wide multiplication); 'bigint' uses one BigInt each.
   */
  wide?: 'words' | 'bigint';
}

export interface NativeStats {
  /** Flattened nodes, ops left after folding, state elements. */
  flatNodes: number;
  ops: number;
  regs: number;
  memories: number;
  instances: number;
  /** Generated source size in characters (fast variant) and compile time. */
  sourceChars: number;
  compileMs: number;
}

/** A 64-bit view and its two 32-bit words, for converting between bigints and word-split values. */
const U64 = new BigUint64Array(1);
const U32 = new Uint32Array(U64.buffer);
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('native simulator: a little-endian platform is required');

export class NativeSim implements SimBackend {
  readonly kind = 'native' as const;
  readonly ports: readonly BackendPort[];
  readonly stats: NativeStats;
  /** The generated JavaScript (fast variant), for inspection. */
  readonly source: string;

  private readonly N: Uint32Array;
  private readonly B: bigint[];
  private readonly M: (Uint32Array | bigint[])[];
  private readonly flat: FlatDesign;
  private readonly a: Analysis;
  private readonly chunkSize: number;
  private readonly fastS: () => void;
  private readonly fastO: () => void;
  private settleS: () => void;
  private settleO: () => void;
  private readonly edgeFns: (() => void)[];
  private readonly edgeMulti: (on: boolean[]) => void;
  private readonly edgeByClock = new Map<string, () => void>();
  private readonly accessors = new Map<string, PortAccess>();
  private dirtyS = true;
  private dirtyO = true;
  private waves: VcdWriter | undefined;
  private wavesSettle: (() => void) | undefined;
  private disposed = false;

  constructor(design: IrDesign, opts: NativeOptions = {}) {
    const t0 = performance.now();
    this.chunkSize = opts.chunkSize ?? 1500;
    const flat = flatten(design);
    this.flat = flat;
    const a = newAnalysis(flat, (opts.wide ?? 'words') === 'words');
    this.a = a;
    // The fast cone: outputs and everything the state elements read.
    const roots: FlatNode[] = [];
    for (const p of flat.ports) if (p.dir === 'out') roots.push(p.node);
    const nOut = roots.length;
    for (const r of flat.regs) { roots.push(r.driver); if (r.enable) roots.push(r.enable); }
    for (const m of flat.memories) {
      for (const w of m.writes) { roots.push(w.addr, w.data, w.enable); if (w.mask) roots.push(w.mask); }
      for (const r of m.reads) roots.push(r.addr, r.enable);
    }
    analyse(a, roots);
    const storedS = new Set<FlatNode>();
    const storedO = new Set<FlatNode>();
    roots.forEach((f, i) => { const r = a.reps[f.idx]!; if (r.k === 'node') (i < nOut ? storedO : storedS).add(r.f); });
    // Everything the Verilog declares (for waves) gets a slot too, so the variants share one state layout.
    analyse(a, this.allLive());
    assignSlots(a, flat.ports.map((p) => p.node).filter((f) => f.kind === 'input'));
    assignSlots(a, flat.regs.map((r) => r.node));
    assignSlots(a, flat.memories.flatMap((m) => m.reads.map((r) => r.data)));
    assignSlots(a, a.order.map((o) => o.f));
    this.N = new Uint32Array(Math.max(1, a.narrowSlots));
    this.B = new Array<bigint>(a.wideSlots).fill(0n);
    this.M = flat.memories.map((m) => {
      const init = m.ir.init ?? [];
      if (isWide(m.ir.width) && a.words) {
        const nw = nwOf(m.ir.width);
        const arr = new Uint32Array(m.ir.depth * nw);
        init.forEach((v, i) => { for (let k = 0; k < nw; k++) arr[i * nw + k] = Number((v >> BigInt(32 * k)) & 0xffffffffn); });
        return arr;
      }
      if (isWide(m.ir.width)) {
        const arr = new Array<bigint>(m.ir.depth).fill(0n);
        init.forEach((v, i) => { arr[i] = v; });
        return arr;
      }
      const arr = new Uint32Array(m.ir.depth);
      init.forEach((v, i) => { arr[i] = Number(v); });
      return arr;
    });
    const edgeSrc = genEdges(a);
    const settleSrc = [genEval(a, storedS, this.chunkSize, 'settleNext'), genEval(a, storedO, this.chunkSize, 'settleOut')];
    this.source = moduleSource(a, [...settleSrc, ...edgeSrc], ['settleNext', 'settleOut', 'edgeMulti', ...flat.domains.map((d) => `edge${d.index}`)]);
    const mod = instantiate(this.source)(this.N, this.B, this.M) as Record<string, () => void>;
    this.fastS = mod.settleNext!;
    this.fastO = mod.settleOut!;
    this.settleS = this.fastS;
    this.settleO = this.fastO;
    this.edgeMulti = mod.edgeMulti as unknown as (on: boolean[]) => void;
    this.edgeFns = flat.domains.map((d) => mod[`edge${d.index}`]!);
    for (const d of flat.domains) this.edgeByClock.set(d.clock, this.edgeFns[d.index]!);
    this.ports = flat.ports.map((p) => ({
      name: p.name, dir: p.dir, width: p.node.width, signed: p.node.signed,
      ...(p.clockOf !== undefined ? { clockOf: p.clockOf } : {}), ...(p.resetOf !== undefined ? { resetOf: p.resetOf } : {}),
    }));
    this.stats = {
      flatNodes: flat.nodes.length, ops: a.order.length, regs: flat.regs.length, memories: flat.memories.length,
      instances: flat.insts.length - 1, sourceChars: this.source.length, compileMs: performance.now() - t0,
    };
  }

  private allLive(): FlatNode[] {
    const out: FlatNode[] = [];
    for (const fi of this.flat.insts) for (const n of moduleLive(fi.module).nodes) out.push(this.flat.resolve(fi, n));
    return out;
  }

  private rep(f: FlatNode): Rep { return this.a.reps[f.idx] ?? { k: 'node', f }; }

  port(name: string): PortAccess {
    const hit = this.accessors.get(name);
    if (hit) return hit;
    const p = this.flat.ports.find((x) => x.name === name);
    if (!p) throw new Error(`native sim of '${this.flat.design.top.name}': no port '${name}' (ports: ${this.flat.ports.map((x) => x.name).join(', ')})`);
    const acc = this.makeAccess(p.node, p.dir === 'in', p.clockOf !== undefined);
    this.accessors.set(name, acc);
    return acc;
  }

  private makeAccess(f: FlatNode, isInput: boolean, isClock = false): PortAccess {
    const w = f.width, signed = f.signed;
    const N = this.N, B = this.B;
    const self = this;
    const r = this.rep(f);
    const settleIfDirty = () => { if (self.dirtyO) self.runO(); };
    let get: () => number | bigint;
    if (r.k === 'const') {
      const v = signed ? BigInt.asIntN(w, r.v) : r.v;
      const c = isWide(w) ? v : Number(v);
      get = () => c;
    } else {
      const s = r.f.slot!;
      // A register, memory read register or input is current without settling.
      const settle = r.f.kind === 'op' ? settleIfDirty : () => {};
      if (isWide(w) && this.a.words) {
        const nw = nwOf(w);
        // Through a 64-bit view: one bigint per 64 bits (little-endian word order, as typed arrays are here).
        const big = nw <= 2
          ? () => { U32[0] = N[s]!; U32[1] = nw > 1 ? N[s + 1]! : 0; return U64[0]!; }
          : () => {
            let x = 0n;
            for (let k = (nw - 1) & ~1; k >= 0; k -= 2) { U32[0] = N[s + k]!; U32[1] = k + 1 < nw ? N[s + k + 1]! : 0; x = (x << 64n) | U64[0]!; }
            return x;
          };
        get = signed ? () => { settle(); return BigInt.asIntN(w, big()); } : () => { settle(); return big(); };
      } else if (isWide(w)) get = signed ? () => { settle(); return BigInt.asIntN(w, B[s]!); } : () => { settle(); return B[s]!; };
      else if (signed) { const sh = 32 - w; get = () => { settle(); return (N[s]! << sh) >> sh; }; }
      else get = () => { settle(); return N[s]!; };
    }
    let set: (v: number | bigint) => void;
    if (isClock) {
      // A clock's level feeds no logic (edges are explicit): it is kept only for the waveform.
      const s = f.slot!;
      set = (v) => { N[s] = typeof v === 'number' ? v & 1 : Number(v & 1n); };
    } else if (!isInput) {
      set = () => { throw new Error(`native sim: '${f.node.name}' is an output and cannot be set`); };
    } else {
      const s = f.slot!;
      if (isWide(w) && this.a.words) {
        const nw = nwOf(w);
        const top = s + nw - 1, topMask = w % 32 === 0 ? 0xffffffff : 2 ** (w % 32) - 1;
        set = (v) => {
          // A BigUint64Array store wraps to 64 bits (two's complement for negatives); >> 64n keeps the sign.
          let x = typeof v === 'bigint' ? v : BigInt(v);
          for (let k = 0; k < nw; k += 2) {
            U64[0] = x;
            N[s + k] = U32[0]!;
            if (k + 1 < nw) N[s + k + 1] = U32[1]!;
            if (k + 2 < nw) x >>= 64n;
          }
          N[top] = (N[top]! & topMask) >>> 0;
          self.dirtyS = self.dirtyO = true;
        };
      } else if (isWide(w)) set = (v) => { B[s] = BigInt.asUintN(w, typeof v === 'bigint' ? v : BigInt(v)); self.dirtyS = self.dirtyO = true; };
      else if (w === 32) set = (v) => { N[s] = typeof v === 'number' ? v >>> 0 : Number(BigInt.asUintN(32, v)); self.dirtyS = self.dirtyO = true; };
      else { const m = 2 ** w - 1; set = (v) => { N[s] = typeof v === 'number' ? v & m : Number(BigInt.asUintN(w, v)); self.dirtyS = self.dirtyO = true; }; }
    }
    return { get, set };
  }

  /** Settles the next-state cone (with waves open: everything). */
  private runS() {
    this.settleS();
    this.dirtyS = false;
    if (this.waves) this.dirtyO = false;
  }

  /** Settles the output cone (with waves open: everything). */
  private runO() {
    this.settleO();
    this.dirtyO = false;
    if (this.waves) this.dirtyS = false;
  }

  eval(): void {
    if (this.dirtyS) this.runS();
    if (this.dirtyO) this.runO();
  }

  edge(clock: string): void {
    const fn = this.edgeByClock.get(clock);
    if (!fn) throw new Error(`native sim of '${this.flat.design.top.name}': '${clock}' is not a clock port (clocks: ${[...this.edgeByClock.keys()].join(', ') || 'none'})`);
    if (this.dirtyS) this.runS();
    fn();
    this.dirtyS = this.dirtyO = true;
  }

  /**
   * Rising edges of several clocks at the same instant: every domain samples the values from before any of
   * the edges (as coinciding edges do in Verilog), then all update. With one clock this is edge(clock).
   */
  edges(clocks: readonly string[]): void {
    if (clocks.length === 1) { this.edge(clocks[0]!); return; }
    const on = this.flat.domains.map(() => false);
    for (const c of clocks) {
      const d = this.flat.domains.find((x) => x.clock === c);
      if (!d) throw new Error(`native sim of '${this.flat.design.top.name}': '${c}' is not a clock port`);
      on[d.index] = true;
    }
    if (this.dirtyS) this.runS();
    this.edgeMulti(on);
    this.dirtyS = this.dirtyO = true;
  }

  /** A function doing edge(clock) without the name lookup, for hot loops. */
  edgeFn(clock: string): () => void {
    const fn = this.edgeByClock.get(clock);
    if (!fn) throw new Error(`native sim: '${clock}' is not a clock port`);
    return () => { if (this.dirtyS) this.runS(); fn(); this.dirtyS = this.dirtyO = true; };
  }

  /** A word of a memory of the flattened design (memories numbered in instance order), for tests and debugging. */
  peekMemory(index: number, addr: number): number | bigint {
    const m = this.flat.memories[index];
    if (!m) throw new Error(`native sim: no memory #${index} (${this.flat.memories.length} memories)`);
    const arr = this.M[index]!;
    if (!isWide(m.ir.width)) return (arr as Uint32Array)[addr] ?? 0;
    if (!this.a.words) return (arr as bigint[])[addr] ?? 0n;
    const nw = nwOf(m.ir.width);
    let x = 0n;
    for (let k = nw - 1; k >= 0; k--) x = (x << 32n) | BigInt((arr as Uint32Array)[addr * nw + k] ?? 0);
    return x;
  }

  /** The memories of the flattened design, numbered as peekMemory() takes them, with their module's name. */
  get memories(): { index: number; width: number; depth: number; module: string }[] {
    return this.flat.memories.map((m) => ({ index: m.index, width: m.ir.width, depth: m.ir.depth, module: m.inst.module.name }));
  }

  openWaves(file: string): void {
    if (/\.fst$/i.test(file)) throw new Error(`native sim: writes VCD only, not FST: use a .vcd file name (${file})`);
    if (this.waves) this.closeWaves();
    if (!this.wavesSettle) {
      const stored = new Set<FlatNode>();
      for (const f of this.allLive()) { const r = this.rep(f); if (r.k === 'node') stored.add(r.f); }
      const src = moduleSource(this.a, [genEval(this.a, stored, this.chunkSize)], ['settle']);
      this.wavesSettle = instantiate(src)(this.N, this.B, this.M).settle!;
    }
    this.settleS = this.settleO = this.wavesSettle;
    this.dirtyS = this.dirtyO = true;
    const { root, sources } = this.waveLayout();
    this.waves = new VcdWriter(file, root, sources, this.N, this.B);
  }

  dumpWaves(timePs: number): void {
    if (!this.waves) return;
    this.eval();
    this.waves.dump(timePs);
  }

  closeWaves(): void {
    if (!this.waves) return;
    this.waves.close();
    this.waves = undefined;
    this.settleS = this.fastS;
    this.settleO = this.fastO;
    this.dirtyS = this.dirtyO = true;
  }

  /** Scopes and variables named as in the Verilog (gen/plan.ts), one scope per instance. */
  private waveLayout(): { root: VcdScope; sources: VcdSource[] } {
    const plans = new Map<unknown, ModulePlan>();
    const plan = (fi: FlatInst) => {
      let p = plans.get(fi.module);
      if (!p) { p = planModule(fi.module); plans.set(fi.module, p); }
      return p;
    };
    const sources: VcdSource[] = [];
    const byKey = new Map<string, number>();
    const source = (f: FlatNode, w: number): number => {
      const r = this.rep(f);
      const kind = r.k === 'const' ? 'c' : !isWide(r.f.width) ? 'n' : this.a.words ? 'w' : 'b';
      const key = r.k === 'const' ? `c${r.v}:${w}` : `${kind}${r.f.slot}:${w}`;
      let i = byKey.get(key);
      if (i === undefined) {
        i = sources.length;
        sources.push(r.k === 'const' ? { kind: 'c', value: r.v, width: w }
          : kind === 'w' ? { kind: 'w', slot: r.f.slot!, words: nwOf(r.f.width), width: w } : { kind: kind as 'n' | 'b', slot: r.f.slot!, width: w });
        byKey.set(key, i);
      }
      return i;
    };
    const scope = (fi: FlatInst, name: string): VcdScope => {
      const p = plan(fi);
      const vars = [...p.names].map(([n, nm]: [IrNode, string]) => ({ name: nm, width: n.width, source: source(this.flat.resolve(fi, n), n.width) }));
      const scopes = fi.children.map((c) => scope(c, p.instNames.get(c.inst!)!));
      return { name, vars, scopes };
    };
    return { root: scope(this.flat.top, this.flat.design.top.name), sources };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closeWaves();
  }
}

/** Compiles an elaborated design to JavaScript and returns a simulator for it. Blackboxes are rejected. */
export function compileNative(design: IrDesign, opts?: NativeOptions): NativeSim {
  return new NativeSim(design, opts);
}

export type { SimBackend };
