// Speed of the native simulator (sim/native): the 32-bit counter and the largest design in designs.ts (by IR
// node count), driven per cycle from TypeScript (set inputs, rising edge, read outputs), and compile times.
// Rates and times are per CPU-second of this process (not wall time), so a busy machine skews them less.
// Run directly for a table: npx tsx bench/sim_native.ts   (or: npx toe bench sim_native)
import { pathToFileURL } from 'node:url';
import { elaborate, type IrDesign } from '../dsl/index.ts';
import { designs } from '../designs.ts';
import { Counter } from '../examples/counter.ts';
import { compileNative, type NativeSim } from '../sim/native/index.ts';
import type { PortAccess } from '../sim/backend.ts';
import { table } from '../cli/table.ts';

/** CPU time (user + system) of this process in ms: steadier than wall time on a shared machine. */
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/**
 * Best (highest) rate over a few timed runs of fn(n), in cycles per CPU-second, after a warm-up. CPU time
 * rather than wall time, so other processes competing for the cores do not count against the simulator.
 */
function rate(fn: (n: number) => void, minMs = 400, runs = 3): number {
  fn(10_000);
  let n = 10_000;
  // Grow n until one run takes at least minMs.
  for (;;) {
    const t = cpuMs();
    fn(n);
    const ms = cpuMs() - t;
    if (ms >= minMs) break;
    n = Math.ceil(n * Math.min(10, Math.max(2, (minMs * 1.2) / Math.max(ms, 1))));
  }
  let best = 0;
  for (let r = 0; r < runs; r++) {
    const t = cpuMs();
    fn(n);
    best = Math.max(best, n / (Math.max(cpuMs() - t, 0.001) / 1000));
  }
  return best;
}

const nodeCount = (d: IrDesign) => {
  // Instances count once per instance: the flattened size the simulator runs.
  const per = new Map(d.modules.map((m) => [m, m.nodes.length]));
  const total = (m: IrDesign['top']): number => per.get(m)! + m.instances.reduce((s, i) => s + total(i.module), 0);
  return total(d.top);
};

function timedCompile(d: IrDesign): { sim: NativeSim; ms: number } {
  const t = cpuMs();
  const sim = compileNative(d);
  return { sim, ms: cpuMs() - t };
}

/** Per-cycle drive of any design: every data input set from a precomputed table, every clock edged, every output read. */
function driveAll(sim: NativeSim): (n: number) => void {
  const ins = sim.ports.filter((p) => p.dir === 'in' && !p.clockOf && !p.resetOf).map((p) => ({ a: sim.port(p.name), w: p.width }));
  const outs: PortAccess[] = sim.ports.filter((p) => p.dir === 'out').map((p) => sim.port(p.name));
  const clocks = sim.ports.filter((p) => p.clockOf).map((p) => p.name);
  for (const p of sim.ports.filter((x) => x.resetOf)) { sim.port(p.name).set(1); }
  for (const c of clocks) sim.edge(c);
  for (const p of sim.ports.filter((x) => x.resetOf)) { sim.port(p.name).set(0); }
  // 64 rows of pseudo-random input values.
  let s = 12345;
  const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s; };
  const rows = Array.from({ length: 64 }, () => ins.map((x) => (x.w <= 32 ? rnd() : (BigInt(rnd()) << 32n) | BigInt(rnd()))));
  const edge = clocks.length === 1 ? sim.edgeFn(clocks[0]!) : () => sim.edges(clocks);
  return (n) => {
    let sink = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i & 63]!;
      for (let k = 0; k < ins.length; k++) ins[k]!.a.set(row[k]!);
      edge();
      for (let k = 0; k < outs.length; k++) if (outs[k]!.get()) sink++;
    }
    if (sink === -1) console.log(sink);
  };
}

export async function benchNative(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};

  // The counter, driven per cycle exactly as a testbench would.
  const cd = elaborate(Counter, { width: 32 });
  const c = timedCompile(cd);
  out.counter_compile_ms = c.ms;
  const en = c.sim.port('enable'), clr = c.sim.port('clear'), cnt = c.sim.port('count'), wrap = c.sim.port('wrap');
  const clk = c.sim.edgeFn('clk');
  out.counter_cycles_per_s = rate((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      en.set(1);
      clr.set(0);
      clk();
      s += (cnt.get() as number) + (wrap.get() as number);
    }
    if (s === -1) console.log(s);
  });
  // Through the generic edge(name) API (a Map lookup per call).
  out.counter_edge_by_name_cycles_per_s = rate((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      en.set(1);
      c.sim.edge('clk');
      s += cnt.get() as number;
    }
    if (s === -1) console.log(s);
  });

  // The largest design of designs.ts that simulates natively (no blackboxes).
  let best: { name: string; d: IrDesign; nodes: number; elabMs: number } | undefined;
  for (const e of designs) {
    let d: IrDesign;
    const t = cpuMs();
    try { d = elaborate(e.def, e.params); } catch { continue; }
    const elabMs = cpuMs() - t;
    if (d.modules.some((m) => m.blackbox)) continue;
    const nodes = nodeCount(d);
    if (!best || nodes > best.nodes) best = { name: e.name, d, nodes, elabMs };
  }
  if (best) {
    const l = timedCompile(best.d);
    // Compile again: the first compile also warms up the compiler's own code.
    const l2 = timedCompile(best.d);
    out.largest_ir_nodes = best.nodes;
    out.largest_ops_after_folding = l2.sim.stats.ops;
    out.largest_compile_ms = Math.min(l.ms, l2.ms);
    out.largest_elaborate_ms = best.elabMs;
    out.largest_cycles_per_s = rate(driveAll(l2.sim));
    // The other representation of wide values (one BigInt each), for comparison.
    out.largest_bigint_cycles_per_s = rate(driveAll(compileNative(best.d, { wide: 'bigint' })));
    largestName = best.name;
  }
  // The 130-bit datapath: wide values in and out of the ports every cycle (the words mode pays conversions there).
  const wideEntry = designs.find((e) => e.name === 'wide_datapath');
  if (wideEntry) {
    const d = elaborate(wideEntry.def, wideEntry.params);
    out.wide_datapath_cycles_per_s = rate(driveAll(compileNative(d)));
    out.wide_datapath_bigint_cycles_per_s = rate(driveAll(compileNative(d, { wide: 'bigint' })));
  }
  return out;
}

let largestName = '';

export async function main() {
  const r = await benchNative();
  const fmt = (v: number) => (v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
  console.log(table(['measure', 'value'], [
    ['counter (32-bit): cycles/CPU-s, per-cycle set + edge + read', fmt(r.counter_cycles_per_s!)],
    ['counter: cycles/CPU-s via edge("clk") by name', fmt(r.counter_edge_by_name_cycles_per_s!)],
    ['counter: compile CPU ms', fmt(r.counter_compile_ms!)],
    ...(largestName ? [
      [`largest design '${largestName}': IR nodes (flattened)`, fmt(r.largest_ir_nodes!)],
      ['  ops after constant folding', fmt(r.largest_ops_after_folding!)],
      ['  cycles/CPU-s, every input set, all clocks, every output read', fmt(r.largest_cycles_per_s!)],
      ['  same, wide values as BigInts instead of 32-bit words', fmt(r.largest_bigint_cycles_per_s!)],
      ['  compile CPU ms (native)', fmt(r.largest_compile_ms!)],
      ['  elaborate CPU ms (DSL, for comparison)', fmt(r.largest_elaborate_ms!)],
    ] : []),
    ...(r.wide_datapath_cycles_per_s ? [
      ['wide_datapath (130-bit ports): cycles/CPU-s, words', fmt(r.wide_datapath_cycles_per_s)],
      ['  same, wide values as BigInts', fmt(r.wide_datapath_bigint_cycles_per_s!)],
    ] : []),
  ]));
  console.log(JSON.stringify({ bench: 'sim_native', largest: largestName, ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 10) / 10])) }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
