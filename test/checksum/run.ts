// Drives frames through a checksum unit's s_axis -> m_axis with the harness's per-cycle stream agents (they
// record tuser on each frame's last beat, where the RX verdict is) and measures back-to-back throughput.
import type { Sim } from '../../sim/harness.ts';
import { AxisSink, AxisSource, type Frame } from '../../sim/stream-models.ts';
import { runBulk } from '../../sim/bulk.ts';

export interface Traffic { gap?: number; backpressure?: number; seed?: number }

/** Sends `frames` and returns what comes out, frame for frame. Throws on a timeout or an extra frame. */
export function runFrames(sim: Sim<unknown>, beatBytes: number, frames: Frame[], t: Traffic = {}): Frame[] {
  const seed = t.seed ?? 1;
  const src = new AxisSource(sim, 's_axis', { gap: t.gap, seed });
  const snk = new AxisSink(sim, 'm_axis', { backpressure: t.backpressure, seed: seed + 7919 });
  try {
    for (const f of frames) src.send(f.data, f.user ?? 0);
    const beats = frames.reduce((n, f) => n + Math.ceil(f.data.length / beatBytes), 0);
    const slack = 1 / ((1 - (t.gap ?? 0)) * (1 - (t.backpressure ?? 0)));
    const timeout = Math.ceil(2 * beats * slack) + 500 + 2 * frames.length;
    sim.until(() => snk.frames.length >= frames.length, { timeout, what: `${frames.length} frames out` });
    sim.step(20);
    if (snk.frames.length !== frames.length) throw new Error(`${snk.frames.length} frames came out for ${frames.length} sent`);
    return snk.take();
  } finally {
    sim.removeAgent(src);
    sim.removeAgent(snk);
  }
}

/**
 * Back-to-back frames with no gaps and no backpressure: returns the cycles the run took beyond one beat per
 * cycle (pipeline fill and drain, plus any bubbles) and the bytes per cycle over the whole run.
 */
export function backToBack(sim: Sim<unknown>, beatBytes: number, frames: Frame[]): { extraCycles: number; bytesPerCycle: number; received: Frame[] } {
  const idleCycles = 8;
  const r = runBulk(sim, [{ prefix: 's_axis', frames }], [{ prefix: 'm_axis', expectFrames: frames.length }], { idleCycles, maxCycles: 10_000_000 });
  if (r.status !== 'done') throw new Error(`back-to-back run ended '${r.status}' after ${r.cycles} cycles`);
  const beats = frames.reduce((n, f) => n + Math.ceil(f.data.length / beatBytes), 0);
  const bytes = frames.reduce((n, f) => n + f.data.length, 0);
  const busy = r.cycles - idleCycles;
  return { extraCycles: busy - beats, bytesPerCycle: bytes / busy, received: r.received[0]! };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
