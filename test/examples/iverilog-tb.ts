// Icarus Verilog testbenches for DSL designs: elaborate + emit a design, wrap it in a generated Verilog-2005
// testbench, run it with iverilog/vvp and parse what it prints. Two shapes cover the examples:
//  - vectorTb: one input vector per clock cycle (or per step of a combinational design), every output sampled
//    after each edge: for comparing against a cycle-accurate TypeScript model;
//  - streamTb: AXI4-Stream sources and sinks with random valid/ready (protocol-correct: a source holds its
//    beat until it is taken), per-domain clocks and resets, and per-cycle monitors: for end-to-end checks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { elaborate, type IrDesign, type ModuleDef } from '../../dsl/index.ts';
import { emitDesign, type VerilogFile } from '../../gen/verilog.ts';

export interface DutPort { name: string; dir: 'in' | 'out'; width: number; role?: 'clock' | 'reset'; domain?: string }
export interface Dut { top: string; files: VerilogFile[]; ports: DutPort[]; design: IrDesign }

/** Elaborates a design and emits its Verilog. */
export function buildDut<P, IO>(def: ModuleDef<P, IO>, params?: Partial<P>): Dut {
  const design = elaborate(def, params);
  const ports = design.top.ports.map((p): DutPort => ({
    name: p.name, dir: p.dir, width: p.node.width, role: p.domainPort?.role, domain: p.domainPort?.domain.name,
  }));
  return { top: design.top.name, files: emitDesign(design), ports, design };
}

export const hasIverilog = () => spawnSync('sh', ['-c', 'command -v iverilog && command -v vvp'], { encoding: 'utf8' }).status === 0;

/** Compiles the design alone with iverilog -g2005 -Wall; returns the compiler's messages ('' when clean). */
export function compileOnly(dut: Dut): string {
  return withTmp((dir) => {
    const files = writeFiles(dir, dut.files);
    const r = spawnSync('iverilog', ['-g2005', '-Wall', '-s', dut.top, '-o', path.join(dir, 'a.out'), ...files], { encoding: 'utf8' });
    const msgs = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !/timescale/.test(l)).join('\n');
    if (r.status !== 0) throw new Error(`iverilog failed on ${dut.top}:\n${msgs}`);
    return msgs;
  });
}

/** Runs a testbench (module `tb`) against the design; returns vvp's output lines. */
export function runTb(dut: Dut, tb: string, opts: { timeoutMs?: number } = {}): string[] {
  return withTmp((dir) => {
    const files = writeFiles(dir, [...dut.files, { name: 'tb.v', module: 'tb', text: tb }]);
    const exe = path.join(dir, 'sim.vvp');
    const c = spawnSync('iverilog', ['-g2005', '-s', 'tb', '-o', exe, ...files], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`iverilog failed:\n${c.stdout}${c.stderr}\n--- tb.v ---\n${tb.slice(0, 4000)}`);
    const r = spawnSync('vvp', ['-n', exe], { encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000, maxBuffer: 256 << 20 });
    if (r.status !== 0) throw new Error(`vvp failed (${r.status ?? r.signal}):\n${(r.stdout ?? '').slice(-2000)}${r.stderr ?? ''}`);
    const lines = r.stdout.split('\n').filter((l) => l.trim());
    const bad = lines.find((l) => /^(ERROR|TIMEOUT)/.test(l));
    if (bad) throw new Error(`testbench: ${bad}`);
    return lines;
  });
}

function withTmp<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-tb-'));
  try { return fn(dir); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

function writeFiles(dir: string, files: { name: string; text: string }[]): string[] {
  return files.map((f) => { const p = path.join(dir, f.name); fs.writeFileSync(p, f.text); return p; });
}

const range = (w: number) => (w === 1 ? '' : `[${w - 1}:0] `);
/** A Verilog literal of width w (values are masked to w bits; negative numbers wrap). */
export const vlit = (w: number, v: bigint | number | boolean): string => {
  const b = BigInt(typeof v === 'boolean' ? (v ? 1 : 0) : v) & ((1n << BigInt(w)) - 1n);
  return `${w}'h${b.toString(16)}`;
};
/** Parses %h output; undefined when any bit is x or z. */
export const parseHex = (s: string): bigint | undefined => (/^[0-9a-fA-F]+$/.test(s) ? BigInt(`0x${s}`) : undefined);

function instance(dut: Dut): string {
  return `  ${dut.top} dut (\n${dut.ports.map((p) => `    .${p.name}(${p.name})`).join(',\n')}\n  );`;
}

// ---------------------------------------------------------------------------------------------
// Vector testbenches

export type Vector = Record<string, bigint | number | boolean>;
export type Sample = Record<string, bigint | undefined>;

/**
 * Applies one vector per step and samples every output. With a clock (the design's clock port, found by
 * its role) each step is: inputs change while the clock is low, a rising edge, then the outputs are sampled,
 * so sample k shows the state after k+1 edges. Without a clock, each step samples after the inputs settle.
 * Inputs not mentioned in a vector keep their previous value (0 initially). Reset is an ordinary input here.
 */
export function vectorTb(dut: Dut, vectors: Vector[]): Sample[] {
  const clocks = dut.ports.filter((p) => p.role === 'clock');
  if (clocks.length > 1) throw new Error('vectorTb drives a single clock');
  const clk = clocks[0]?.name;
  const ins = dut.ports.filter((p) => p.dir === 'in' && p.name !== clk);
  const outs = dut.ports.filter((p) => p.dir === 'out');
  const known = new Set(ins.map((p) => p.name));
  const lines: string[] = ['module tb;'];
  if (clk) lines.push(`  reg ${clk} = 1'b0;`);
  for (const p of ins) lines.push(`  reg ${range(p.width)}${p.name} = ${vlit(p.width, 0)};`);
  for (const p of outs) lines.push(`  wire ${range(p.width)}${p.name};`);
  lines.push(instance(dut), '  initial begin');
  const show = `    $display("S${outs.map(() => ' %h').join('')}"${outs.map((p) => `, ${p.name}`).join('')});`;
  for (const v of vectors) {
    const sets = Object.entries(v).map(([k, x]) => {
      const p = ins.find((q) => q.name === k);
      if (!known.has(k) || !p) throw new Error(`vectorTb: '${k}' is not an input of ${dut.top}`);
      return `${k} = ${vlit(p.width, x)};`;
    });
    lines.push(`    #1 ${sets.join(' ')}`);
    if (clk) lines.push(`    #4 ${clk} = 1'b1;`, `    #1`, show, `    #4 ${clk} = 1'b0;`);
    else lines.push('    #1', show);
  }
  lines.push('    $finish;', '  end', 'endmodule', '');
  const out = runTb(dut, lines.join('\n'));
  const samples = out.filter((l) => l.startsWith('S')).map((l) => {
    const f = l.trim().split(/\s+/).slice(1);
    return Object.fromEntries(outs.map((p, i) => [p.name, parseHex(f[i] ?? '')])) as Sample;
  });
  if (samples.length !== vectors.length) throw new Error(`vectorTb: ${samples.length} samples for ${vectors.length} vectors`);
  return samples;
}

// ---------------------------------------------------------------------------------------------
// Stream testbenches

export type Beat = Record<string, bigint>;

export interface ClockSpec {
  /** The clock port. */
  clock: string;
  /** Its reset port (active high, synchronous), held for `resetCycles` (default 4) of this clock. */
  reset?: string;
  resetCycles?: number;
  /** Half period in time units. */
  half: number;
}
export interface SourceSpec {
  /** Port prefix: 'in' drives in_tdata, in_tkeep, in_tlast, in_tvalid and reads in_tready. */
  prefix: string;
  clock: string;
  beats: Beat[];
  /** Chance in percent that the source offers the next beat in a cycle (default 100). */
  validPct?: number;
}
export interface SinkSpec {
  prefix: string;
  clock: string;
  /** Chance in percent that tready is high in a cycle (default 100). */
  readyPct?: number;
  /** The run ends (after `drain` more cycles of the first clock) once every sink has taken this many beats and every source has sent all of its own. */
  expect: number;
}
export interface MonitorSpec { clock: string; signals: string[] }
export interface StreamTbOpts {
  clocks: ClockSpec[];
  sources?: SourceSpec[];
  sinks?: SinkSpec[];
  monitors?: MonitorSpec[];
  /** Constant values for other inputs (default 0). */
  ties?: Record<string, bigint | number | boolean>;
  /** Cycles of the first clock to keep running after every sink and source is done (to catch extra beats), default 20. */
  drain?: number;
  /** Give up after this many cycles of the first clock. */
  maxCycles?: number;
  seed?: number;
}
export interface StreamTbResult {
  /** Beats taken by each sink, with the cycle (of its clock, counted from 0) they were taken in. */
  sinks: Record<string, (Beat & { cycle: number })[]>;
  /** Cycle (of its clock) in which each source beat was taken. */
  accepted: Record<string, number[]>;
  /** Per clock cycle samples (taken just before the rising edge) of each monitor, by clock name. */
  monitors: Record<string, Sample[]>;
}

/** The payload fields of a stream port prefix, in port order: tdata, tkeep, tlast, tuser (whichever exist). */
export function streamFields(dut: Dut, prefix: string): DutPort[] {
  const f = dut.ports.filter((p) => p.name.startsWith(`${prefix}_t`) && !/_t(valid|ready)$/.test(p.name));
  if (!f.length) throw new Error(`${dut.top} has no stream '${prefix}'`);
  return f;
}

export function streamTb(dut: Dut, o: StreamTbOpts): StreamTbResult {
  const port = (n: string) => dut.ports.find((p) => p.name === n) ?? (() => { throw new Error(`${dut.top} has no port '${n}'`); })();
  const driven = new Set<string>();
  const L: string[] = ['module tb;'];
  let seed = o.seed ?? 1;
  // Clocks, resets and their cycle counters.
  for (const c of o.clocks) {
    L.push(`  reg ${c.clock} = 1'b0;`, `  always #${c.half} ${c.clock} = ~${c.clock};`, `  integer cyc_${c.clock} = 0;`,
      `  always @(posedge ${c.clock}) cyc_${c.clock} <= cyc_${c.clock} + 1;`);
    driven.add(c.clock);
    if (c.reset) {
      L.push(`  reg ${c.reset} = 1'b1;`, `  initial begin repeat (${c.resetCycles ?? 4}) @(posedge ${c.clock}); ${c.reset} <= 1'b0; end`);
      driven.add(c.reset);
    }
  }
  const resetOf = (clk: string) => o.clocks.find((c) => c.clock === clk)?.reset;
  const notReset = (clk: string) => (resetOf(clk) ? `!${resetOf(clk)}` : `1'b1`);
  // Sources.
  for (const s of o.sources ?? []) {
    const fields = streamFields(dut, s.prefix);
    const pw = fields.reduce((a, f) => a + f.width, 0);
    const cat = `{${[...fields].reverse().map((f) => f.name).join(', ')}}`;
    const pack = (b: Beat) => [...fields].reverse().reduce((acc, f) => {
      const k = f.name.slice(s.prefix.length + 1);
      const v = b[k];
      if (v === undefined) throw new Error(`streamTb: beat for '${s.prefix}' has no ${k}`);
      return (acc << BigInt(f.width)) | (v & ((1n << BigInt(f.width)) - 1n));
    }, 0n);
    const n = s.beats.length;
    const p = s.prefix;
    for (const f of fields) { L.push(`  reg ${range(f.width)}${f.name} = ${vlit(f.width, 0)};`); driven.add(f.name); }
    L.push(`  reg ${p}_tvalid = 1'b0;`);
    driven.add(`${p}_tvalid`);
    L.push(`  reg ${range(pw)}src_${p} [0:${Math.max(n, 1) - 1}];`, `  integer sent_${p} = 0;`, `  integer seed_${p} = ${seed++};`);
    L.push('  initial begin');
    s.beats.forEach((b, i) => L.push(`    src_${p}[${i}] = ${vlit(pw, pack(b))};`));
    L.push('  end');
    L.push(`  always @(posedge ${s.clock}) if (${notReset(s.clock)}) begin`,
      `    if (${p}_tvalid && ${p}_tready) begin $display("A ${p} %0d", cyc_${s.clock}); sent_${p} = sent_${p} + 1; end`,
      `    if (!${p}_tvalid || ${p}_tready) begin`,
      `      if (sent_${p} < ${n} && ({$random(seed_${p})} % 100) < ${s.validPct ?? 100}) begin`,
      `        ${p}_tvalid <= 1'b1; ${cat} <= src_${p}[sent_${p}];`,
      `      end else ${p}_tvalid <= 1'b0;`,
      '    end',
      '  end');
  }
  // Sinks.
  for (const s of o.sinks ?? []) {
    const fields = streamFields(dut, s.prefix);
    const p = s.prefix;
    L.push(`  reg ${p}_tready = 1'b0;`, `  integer got_${p} = 0;`, `  integer seed_${p} = ${seed++};`);
    driven.add(`${p}_tready`);
    L.push(`  always @(posedge ${s.clock}) if (${notReset(s.clock)}) begin`,
      `    if (${p}_tvalid && ${p}_tready) begin`,
      `      $display("B ${p} %0d${fields.map(() => ' %h').join('')}", cyc_${s.clock}${fields.map((f) => `, ${f.name}`).join('')});`,
      `      got_${p} = got_${p} + 1;`,
      '    end',
      `    ${p}_tready <= ({$random(seed_${p})} % 100) < ${s.readyPct ?? 100};`,
      '  end');
  }
  // Monitors.
  for (const mon of o.monitors ?? []) {
    mon.signals.forEach(port);
    L.push(`  always @(posedge ${mon.clock}) $display("M ${mon.clock}${mon.signals.map(() => ' %h').join('')}"${mon.signals.map((x) => `, ${x}`).join('')});`);
  }
  // Everything else: tied inputs and output wires.
  for (const p of dut.ports) {
    if (driven.has(p.name)) continue;
    if (p.dir === 'in') L.push(`  reg ${range(p.width)}${p.name} = ${vlit(p.width, o.ties?.[p.name] ?? 0)};`);
    else L.push(`  wire ${range(p.width)}${p.name};`);
  }
  for (const k of Object.keys(o.ties ?? {})) if (port(k).dir !== 'in') throw new Error(`streamTb: cannot tie output '${k}'`);
  L.push(instance(dut));
  // Termination.
  const main = o.clocks[0]!.clock;
  const done = [
    ...(o.sinks ?? []).map((s) => `got_${s.prefix} >= ${s.expect}`),
    ...(o.sources ?? []).map((s) => `sent_${s.prefix} >= ${s.beats.length}`),
  ].join(' && ') || `1'b1`;
  L.push('  initial begin',
    `    wait (${done});`,
    `    repeat (${o.drain ?? 20}) @(posedge ${main});`,
    '    #1 $finish;',
    '  end',
    `  always @(posedge ${main}) if (cyc_${main} >= ${o.maxCycles ?? 100_000}) begin $display("TIMEOUT after %0d cycles", cyc_${main}); $finish; end`,
    'endmodule', '');
  const out = runTb(dut, L.join('\n'));

  const res: StreamTbResult = { sinks: {}, accepted: {}, monitors: {} };
  for (const s of o.sinks ?? []) res.sinks[s.prefix] = [];
  for (const s of o.sources ?? []) res.accepted[s.prefix] = [];
  for (const mon of o.monitors ?? []) res.monitors[mon.clock] = [];
  for (const line of out) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'A') res.accepted[f[1]!]!.push(Number(f[2]));
    else if (f[0] === 'B') {
      const fields = streamFields(dut, f[1]!);
      const beat: Beat & { cycle: number } = { cycle: Number(f[2]) } as Beat & { cycle: number };
      fields.forEach((fp, i) => {
        const v = parseHex(f[3 + i]!);
        if (v === undefined) throw new Error(`sink ${f[1]} took a beat with x/z in ${fp.name}: ${line}`);
        beat[fp.name.slice(f[1]!.length + 1)] = v;
      });
      res.sinks[f[1]!]!.push(beat);
    } else if (f[0] === 'M') {
      const mon = (o.monitors ?? []).find((x) => x.clock === f[1])!;
      res.monitors[f[1]!]!.push(Object.fromEntries(mon.signals.map((sg, i) => [sg, parseHex(f[2 + i]!)])) as Sample);
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness for stimulus

/** A small seeded PRNG (mulberry32), so failures reproduce. */
export function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    bool: (pTrue = 0.5) => next() < pTrue,
    bits: (w: number): bigint => {
      let v = 0n;
      for (let i = 0; i < w; i += 16) v = (v << 16n) | BigInt(Math.floor(next() * 65536));
      return v & ((1n << BigInt(w)) - 1n);
    },
  };
}
