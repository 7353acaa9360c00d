// `toe bench sim`: simulation speed on the DSL's 32-bit counter and on the largest design in designs.ts.
// Verilator: pure C++ loop, per-cycle drive from TS, native fast path, cold and cached builds.
// Native simulator: cycles/s and build + run totals against Verilator for 1k..1M cycles.
// Figures are ratios within one run; absolute speeds drift ~20% run to run on a shared machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { elaborate } from '../dsl/index.ts';
import type { IrDesign } from '../dsl/ir.ts';
import { emitDesign } from '../gen/verilog.ts';
import { buildModel, type VerilatedModel } from '../sim/verilator/index.ts';
import { Counter } from '../examples/counter.ts';
import { designs } from '../designs.ts';
import { table } from '../cli/table.ts';
import { projectRoot } from '../gen/root.ts';

/** A Verilator model spec; `variant` renames the top so its C++ differs, as after a design change (ccache misses). */
const spec = (d: IrDesign, variant = '') => {
  const top = `${d.top.name}${variant}`;
  return {
    top,
    files: emitDesign(d).map((f) => (f.module === d.top.name
      ? { name: `${top}.v`, text: f.text.replace(`module ${d.top.name} (`, `module ${top} (`) }
      : { name: f.name, text: f.text })),
    ports: d.top.ports.map((p) => ({ name: p.name, dir: p.dir, width: p.node.width, signed: p.node.signed })),
  };
};
let variants = 0;
const freshVariant = () => `_v${process.pid}_${++variants}`;

/** Best rate of fn(n) over interleaved rounds (the machine's speed drifts), in cycles/s. */
function best(rounds: number, n: number, fns: Record<string, (n: number) => void>): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(Object.keys(fns).map((k) => [k, 0]));
  for (const f of Object.values(fns)) f(Math.min(n, 50_000));
  for (let r = 0; r < rounds; r++) {
    for (const [k, f] of Object.entries(fns)) {
      const t = performance.now();
      f(n);
      out[k] = Math.max(out[k]!, n / ((performance.now() - t) / 1000));
    }
  }
  return out;
}

/** Per-cycle drive from TS: set every data input, tick, read every output. */
function tsDrive(m: VerilatedModel, d: IrDesign): (n: number) => void {
  const ins = d.top.ports.filter((p) => p.dir === 'in' && !p.domainPort).map((p) => m.port(p.name));
  const outs = d.top.ports.filter((p) => p.dir === 'out').map((p) => m.port(p.name));
  const rst = d.top.ports.filter((p) => p.domainPort?.role === 'reset').map((p) => m.port(p.name));
  for (const r of rst) r.set(0);
  return (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < ins.length; j++) ins[j]!.set(i & 1);
      m.tick();
      for (let j = 0; j < outs.length; j++) { const v = outs[j]!.get(); s += typeof v === 'number' ? v : 1; }
    }
    if (s === -1) console.log(s);
  };
}

function largestDesign() {
  let bestEntry = designs[0]!, bestNodes = 0;
  for (const e of designs) {
    const d = elaborate(e.def, e.params);
    if (d.modules.some((m) => m.blackbox)) continue;
    const nodes = d.modules.reduce((s, m) => s + m.nodes.length, 0);
    if (nodes > bestNodes) { bestNodes = nodes; bestEntry = e; }
  }
  return { entry: bestEntry, nodes: bestNodes };
}

async function nativeCompile(): Promise<((d: IrDesign) => import('../sim/backend.ts').SimBackend) | undefined> {
  if (!fs.existsSync(path.join(projectRoot(), 'sim/native/index.ts'))) return undefined;
  const mod = await import('../sim/native/index.ts');
  return mod.compileNative as (d: IrDesign) => import('../sim/backend.ts').SimBackend;
}

function nativeDrive(b: import('../sim/backend.ts').SimBackend, d: IrDesign): (n: number) => void {
  const ins = d.top.ports.filter((p) => p.dir === 'in' && !p.domainPort).map((p) => b.port(p.name));
  const outs = d.top.ports.filter((p) => p.dir === 'out').map((p) => b.port(p.name));
  const clk = d.top.ports.find((p) => p.domainPort?.role === 'clock')?.name;
  return (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < ins.length; j++) ins[j]!.set(i & 1);
      if (clk) b.edge(clk); else b.eval();
      for (let j = 0; j < outs.length; j++) { const v = outs[j]!.get(); s += typeof v === 'number' ? v : 1; }
    }
    if (s === -1) console.log(s);
  };
}

export async function main() {
  const out: Record<string, number | string> = {};
  const counter = elaborate(Counter, { width: 32 });
  const big = largestDesign();
  const bigDesign = elaborate(big.entry.def, big.entry.params);
  out.largest_design = big.entry.name;

  // Builds: cold in a fresh cache folder (ccache keeps Verilator's runtime objects warm), then cached.
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-bench-sim-'));
  try {
    let t = performance.now();
    const cm = await buildModel(spec(counter, freshVariant()), { cacheDir: cache });
    out.build_cold_s = (performance.now() - t) / 1000;
    t = performance.now();
    const again = await buildModel(cm.spec, { cacheDir: cache });
    out.build_cached_s = (performance.now() - t) / 1000;
    again.dispose();
    t = performance.now();
    const bm = await buildModel(spec(bigDesign, freshVariant()), { cacheDir: cache });
    out.largest_build_cold_s = (performance.now() - t) / 1000;

    cm.port('enable').set(1);
    const n = 4_000_000;
    const c = best(5, n, {
      cpp: (k) => cm.runCycles(k),
      ts: tsDrive(cm, counter),
      fast: (k) => cm.runStreams([], [], { maxCycles: k, stopWhenDone: false }),
    });
    out.counter_cpp_cps = c.cpp!;
    out.counter_ts_cps = c.ts!;
    out.counter_fast_cps = c.fast!;
    const l = best(3, 200_000, { cpp: (k) => bm.runCycles(k), ts: tsDrive(bm, bigDesign) });
    out.largest_cpp_cps = l.cpp!;
    out.largest_ts_cps = l.ts!;
    out.verilator_largest_cps = l.ts!;

    const compile = await nativeCompile();
    if (compile) {
      const nc = compile(counter);
      const nb = compile(bigDesign);
      const r = best(3, 1_000_000, { counter: nativeDrive(nc, counter) });
      const rl = best(3, 100_000, { big: nativeDrive(nb, bigDesign) });
      out.native_counter_cps = r.counter!;
      out.native_largest_cps = rl.big!;
      // Build + run totals: what a test pays after a design change (Verilator from a cold model cache).
      for (const cycles of [1_000, 10_000, 100_000, 1_000_000]) {
        let t0 = performance.now();
        const b = compile(bigDesign);
        nativeDrive(b, bigDesign)(cycles);
        const nativeS = (performance.now() - t0) / 1000;
        const coldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-bench-cold-'));
        t0 = performance.now();
        const vm = await buildModel(spec(bigDesign, freshVariant()), { cacheDir: coldDir });
        tsDrive(vm, bigDesign)(cycles);
        const verS = (performance.now() - t0) / 1000;
        vm.dispose();
        fs.rmSync(coldDir, { recursive: true, force: true });
        out[`native_total_${cycles}_s`] = nativeS;
        out[`verilator_total_${cycles}_s`] = verS;
        if (cycles === 100_000) out.native_vs_verilator_100k_total = nativeS / verS;
      }
    }
    cm.dispose();
    bm.dispose();
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }

  const fmt = (v: number | string) => (typeof v === 'string' ? v : v >= 1000 ? `${(v / 1e6).toFixed(2)} M` : v.toFixed(3));
  console.log(table(['measure', 'value'], Object.entries(out).map(([k, v]) => [k, fmt(v)])));
  const ratio = (a: string, b: string) => (typeof out[a] === 'number' && typeof out[b] === 'number' ? (out[a] as number) / (out[b] as number) : NaN);
  console.log(`\nper-cycle TS drive / C++ loop (counter): ${ratio('counter_ts_cps', 'counter_cpp_cps').toFixed(2)} (target >= 0.40)`);
  console.log(`native fast path / C++ loop (counter):  ${ratio('counter_fast_cps', 'counter_cpp_cps').toFixed(2)} (target >= 0.90)`);
  if (out.native_largest_cps !== undefined) {
    console.log(`native / Verilator per-cycle on ${out.largest_design}: ${ratio('native_largest_cps', 'verilator_largest_cps').toFixed(2)} (target >= 0.10)`);
    console.log(`native / Verilator build+run, 100k cycles: ${Number(out.native_vs_verilator_100k_total).toFixed(2)} (target < 1)`);
  }
  console.log(JSON.stringify({ bench: 'sim', ...out }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
