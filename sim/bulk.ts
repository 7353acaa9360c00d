// Bulk AXI4-Stream traffic: on Verilator the clock loop and the stream endpoints run in native code
// (one call for the whole transfer); on the native simulator the same run uses the TS agents.
import type { Sim } from './harness.ts';
import { AxisSink, AxisSource, type Frame } from './stream-models.ts';
import type { VerilatorEngine } from './verilator/engine.ts';

/** `clock`: the clock port of the stream's domain (default: the main clock). */
export interface BulkSource { prefix: string; frames: Frame[]; gap?: number; seed?: number; clock?: string }
export interface BulkSink { prefix: string; backpressure?: number; seed?: number; expectFrames?: number; clock?: string }
export interface BulkResult { status: 'done' | 'maxCycles' | 'stalled'; cycles: number; received: Frame[][] }

/**
 * Sends every source's frames and collects the sinks' frames until all sources are drained and each sink
 * has its expected frame count (then `idleCycles` more), or `maxCycles` pass, or nothing moves for `stallCycles`.
 */
export function runBulk(sim: Sim<unknown>, sources: BulkSource[], sinks: BulkSink[],
  opts: { maxCycles?: number; idleCycles?: number; stallCycles?: number } = {}): BulkResult {
  if (sim.backend === 'verilator' && sim.clocks.length <= 1) return nativeLoop(sim, sources, sinks, opts);
  const srcs = sources.map((s) => { const a = new AxisSource(sim, s.prefix, { gap: s.gap, seed: s.seed, clock: s.clock }); s.frames.forEach((f) => a.send(f.data, f.user)); return a; });
  const snks = sinks.map((s) => new AxisSink(sim, s.prefix, { backpressure: s.backpressure, seed: s.seed, clock: s.clock }));
  const start = sim.cycle;
  const max = opts.maxCycles ?? Infinity;
  const stall = opts.stallCycles ?? 100_000;
  let idle = 0, lastMove = sim.cycle, moved = -1, status: BulkResult['status'] = 'done';
  const progress = () => srcs.reduce((s, a) => s + a.bytesSent, 0) + snks.reduce((s, a) => s + a.frames.length, 0);
  for (;;) {
    const done = srcs.every((a) => a.idle) && snks.every((a, i) => a.frames.length >= (sinks[i]!.expectFrames ?? 0));
    if (done && idle >= (opts.idleCycles ?? 32)) break;
    if (sim.cycle - start >= max) { status = 'maxCycles'; break; }
    if (sim.cycle - lastMove >= stall) { status = 'stalled'; break; }
    sim.step(1);
    const p = progress();
    if (p !== moved) { moved = p; lastMove = sim.cycle; idle = 0; } else if (done) idle++;
  }
  for (const a of [...srcs, ...snks]) sim.removeAgent(a);
  return { status, cycles: sim.cycle - start, received: snks.map((s) => s.take()) };
}

function nativeLoop(sim: Sim<unknown>, sources: BulkSource[], sinks: BulkSink[], opts: { maxCycles?: number; idleCycles?: number; stallCycles?: number }): BulkResult {
  const model = (sim.engine as VerilatorEngine).model;
  const pattern = (p: number | undefined, seed: number | undefined, dflt: number) => (p ? { prob: p, seed: seed ?? dflt } : undefined);
  const srcs = sources.map((s) => {
    const src = model.streamSource(s.prefix, { gap: pattern(s.gap, s.seed, 1) });
    for (const f of s.frames) src.push(f.data, f.user ?? 0);
    return src;
  });
  const snks = sinks.map((s) => {
    const k = model.streamSink(s.prefix, { backpressure: pattern(s.backpressure, s.seed, 2) });
    k.expectFrames = s.expectFrames ?? 0;
    return k;
  });
  const before = model.cycles;
  const r = model.runStreams(srcs, snks, { maxCycles: opts.maxCycles, idleCycles: opts.idleCycles, stallCycles: opts.stallCycles });
  const cycles = model.cycles - before;
  sim.cycle += cycles;
  sim.timePs += cycles * (sim.clocks[0]?.periodPs ?? 0);
  const received = snks.map((k) => k.takeWithUser().map((f) => ({ data: f.data, user: f.user })));
  if (sim.capture) {
    // The native loop keeps no per-frame times: frames are stamped with the run's end time, in order.
    sources.forEach((s, i) => s.frames.slice(0, srcs[i]!.framesSent).forEach((f) => sim.capture!.record(s.prefix, f.data, sim.timePs)));
    sinks.forEach((s, i) => received[i]!.forEach((f) => sim.capture!.record(s.prefix, f.data, sim.timePs)));
  }
  return { status: r.status, cycles, received };
}
