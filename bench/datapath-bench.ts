// The machinery of `toe bench datapath`: what a row is, and how its throughput, latency and area are measured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type { ModuleDef } from '../dsl/index.ts';
import { simulate, type Sim } from '../sim/harness.ts';
import { runBulk } from '../sim/bulk.ts';
import { AxisSource } from '../sim/stream-models.ts';
import { design } from '../gen/design.ts';
import { generate, writeDesigns } from '../gen/write.ts';
import { synthDesign, type SynthReport } from '../gen/synth.ts';
import { projectRoot } from '../gen/root.ts';

/** One block at one width. Add a block to the benchmark with one of these per width. */
export interface DatapathBench {
  block: string;
  width: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: ModuleDef<any, any>;
  params: Record<string, unknown>;
  /**
   * AXI4-Stream inputs (port prefix) and the frames to feed them (bytes, or bytes with a tuser value) so that
   * `count` output frames of `size` bytes result.
   */
  inputs: { prefix: string; frames: (size: number, count: number) => BenchFrame[] }[];
  /** Valid/ready struct inputs held at one value (so offered every cycle) for a size: port name -> value. */
  held?: (size: number) => Record<string, number | bigint | boolean>;
  /** Inputs to set after reset (configuration). */
  config?: Record<string, number>;
  /** The AXI4-Stream output (port prefix) whose frames are counted (the run ends when `count` have left). */
  output: string;
  /**
   * Which bytes make the throughput: the output frames' (default), or the input frames' (for a block whose
   * output is smaller than its input, like a parser that strips headers: its line rate is what it takes in).
   */
  counted?: 'output' | 'input';
  /** Output frame sizes in bytes (default 64, 128, 512, 1500, 9000). */
  sizes?: number[];
  /** A note printed under the table. */
  note?: string;
}

export type BenchFrame = Uint8Array | { data: Uint8Array; user?: number };
const asFrame = (f: BenchFrame) => (f instanceof Uint8Array ? { data: f } : f);

export const DEFAULT_SIZES = [64, 128, 512, 1500, 9000];

export interface Throughput { size: number; bytesPerCycle: number; ideal: number }
export interface BenchResult {
  block: string; width: number; busBytes: number; throughput: Throughput[]; latency: number;
  synth?: { luts: number; ffs: number; rams: number; ramCells: Record<string, number> };
}

function prepare(sim: Sim<unknown>, b: DatapathBench, size: number) {
  sim.reset();
  for (const [k, v] of Object.entries(b.config ?? {})) sim.poke(k as never, v);
  for (const [k, v] of Object.entries(b.held?.(size) ?? {})) sim.poke(k as never, v);
}

function release(sim: Sim<unknown>, b: DatapathBench, size: number) {
  for (const k of Object.keys(b.held?.(size) ?? {})) if (k.endsWith('_valid')) sim.poke(k as never, 0);
}

/** Output bytes and cycles for `count` frames of `size`, inputs saturated, output always ready. */
function run(sim: Sim<unknown>, b: DatapathBench, size: number, count: number) {
  prepare(sim, b, size);
  const inputs = b.inputs.map((i) => ({ prefix: i.prefix, frames: i.frames(size, count).map(asFrame) }));
  const r = runBulk(sim, inputs, [{ prefix: b.output, expectFrames: count }], { idleCycles: 0, stallCycles: 20_000 });
  release(sim, b, size);
  if (r.status !== 'done') throw new Error(`${b.block} ${b.width}-bit, ${size}-byte frames: run ended '${r.status}' after ${r.cycles} cycles`);
  const bytes = b.counted === 'input'
    ? inputs.reduce((n, i) => n + i.frames.reduce((m, f) => m + f.data.length, 0), 0)
    : r.received[0]!.reduce((n, f) => n + f.data.length, 0);
  return { cycles: r.cycles, bytes };
}

/**
 * Sustained bytes per cycle: two runs of n and 2n frames; the difference cancels pipeline fill and drain.
 * `ideal` is what a bus of this width can carry with frames starting on beat boundaries: size / ceil(size / B).
 */
export function throughput(sim: Sim<unknown>, b: DatapathBench, size: number): Throughput {
  const busBytes = b.width / 8;
  const n = Math.max(8, Math.min(1000, Math.ceil(40_000 / size)));
  const one = run(sim, b, size, n);
  const two = run(sim, b, size, 2 * n);
  return { size, bytesPerCycle: (two.bytes - one.bytes) / (two.cycles - one.cycles), ideal: size / Math.ceil(size / busBytes) };
}

/** Cycles from the first handshake on any input to the first beat on the output (one frame, output ready). */
export function latency(sim: Sim<unknown>, b: DatapathBench, size: number): number {
  prepare(sim, b, size);
  const sources = b.inputs.map((i) => { const s = new AxisSource(sim, i.prefix); i.frames(size, 1).map(asFrame).forEach((f) => s.send(f.data, f.user)); return s; });
  const handshakes = [
    ...b.inputs.map((i) => [`${i.prefix}_tvalid`, `${i.prefix}_tready`]),
    ...Object.keys(b.held?.(size) ?? {}).filter((k) => k.endsWith('_valid')).map((k) => [k, k.replace(/_valid$/, '_ready')]),
  ].map(([v, r]) => [sim.port(v as never), sim.port(r as never)] as const);
  const outValid = sim.port(`${b.output}_tvalid` as never);
  sim.poke(`${b.output}_tready` as never, 1);
  let firstIn = -1, firstOut = -1;
  const probe = sim.addAgent({
    sample: () => {
      if (firstIn < 0 && handshakes.some(([v, r]) => v.get() && r.get())) firstIn = sim.cycle;
      if (firstOut < 0 && outValid.get()) firstOut = sim.cycle;
    },
  });
  sim.until(() => firstOut >= 0, { timeout: 100_000, what: `${b.block}: first output beat` });
  for (const a of [...sources, probe]) sim.removeAgent(a);
  release(sim, b, size);
  return firstOut - firstIn;
}

/** Yosys synth_xilinx on a freshly generated copy; results cached by the Verilog text in .cache/bench-synth/. */
export function synthesize(b: DatapathBench): SynthReport {
  const entry = design(`${b.block}_w${b.width}`, b.block, b.def, b.params);
  const gen = generate(entry);
  const key = crypto.createHash('sha256').update(gen.files.map((f) => `${f.name}\n${f.text}`).join('\n')).digest('hex').slice(0, 24);
  const cacheFile = path.join(projectRoot(), '.cache', 'bench-synth', `${key}.json`);
  if (fs.existsSync(cacheFile)) return JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as SynthReport;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-bench-synth-'));
  try {
    const [m] = writeDesigns(tmp, [gen]);
    const r = synthDesign(tmp, m!, 'xilinx');
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(cacheFile, JSON.stringify(r));
    return r;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Everything for one row: throughput per size and latency (Verilator), area (Yosys) unless `synth` is off. */
export async function measure(b: DatapathBench, opts: { synth: boolean }): Promise<BenchResult> {
  const sim = await simulate(b.def, b.params, { backend: 'verilator' });
  try {
    const sizes = b.sizes ?? DEFAULT_SIZES;
    const result: BenchResult = {
      block: b.block, width: b.width, busBytes: b.width / 8,
      throughput: sizes.map((s) => throughput(sim, b, s)),
      latency: latency(sim, b, sizes[0]!),
    };
    if (opts.synth) {
      const r = synthesize(b);
      result.synth = { luts: r.luts, ffs: r.ffs, rams: r.rams, ramCells: r.ramCells };
    }
    return result;
  } finally {
    sim.close();
  }
}

/** Port name -> value for a struct value under `prefix` (fields joined with '_', vector elements by index). */
export function structPorts(prefix: string, value: unknown, out: Record<string, number | bigint | boolean> = {}): Record<string, number | bigint | boolean> {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') out[prefix] = value;
  else if (Array.isArray(value)) value.forEach((x, i) => structPorts(`${prefix}_${i}`, x, out));
  else for (const [k, x] of Object.entries(value as object)) structPorts(`${prefix}_${k}`, x, out);
  return out;
}
