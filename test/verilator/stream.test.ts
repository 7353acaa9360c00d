// The native AXI4-Stream fast path through a register slice: random frames, gaps, backpressure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type VerilatedModel } from '../../sim/verilator/index.ts';
import { axisRegSpec } from './designs.ts';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function randomFrames(n: number, maxLen: number, seed: number): Uint8Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const f = new Uint8Array(1 + Math.floor(r() * maxLen));
    for (let i = 0; i < f.length; i++) f[i] = Math.floor(r() * 256);
    return f;
  });
}

function reset(m: VerilatedModel): void {
  m.portN('rst').set(1);
  m.tick();
  m.tick();
  m.portN('rst').set(0);
}

describe.each([
  { width: 64, frames: 1000, maxLen: 200, user: true },
  { width: 8, frames: 1000, maxLen: 40, user: false },
  { width: 512, frames: 1000, maxLen: 600, user: false },
])('verilator stream fast path, tdata $width', ({ width, frames: count, maxLen, user }) => {
  let m: VerilatedModel;
  beforeAll(async () => {
    m = await buildModel(axisRegSpec(width, user));
    reset(m);
  });
  afterAll(() => m?.dispose());

  it(`passes ${count} random frames unchanged with random gaps and backpressure`, () => {
    const frames = randomFrames(count, maxLen, width);
    const src = m.streamSource('s_axis', { gap: { seed: 1, prob: 0.3 } });
    const snk = m.streamSink('m_axis', { backpressure: { seed: 2, prob: 0.3 }, capacity: 256 });
    frames.forEach((f, i) => src.push(f, i & 15));
    snk.expectFrames = count;
    const r = m.runStreams([src], [snk]);
    expect(r.status).toBe('done');
    const bytes = frames.reduce((a, f) => a + f.length, 0);
    expect(r).toMatchObject({ framesIn: count, framesOut: count, bytesIn: bytes, bytesOut: bytes });
    const got = snk.takeWithUser();
    expect(got.length).toBe(count);
    for (let i = 0; i < count; i++) {
      expect(got[i]!.data).toEqual(frames[i]);
      if (user) expect(got[i]!.user).toBe(i & 15);
    }
    // With ~30% gaps and ~30% backpressure, throughput is well under one beat per cycle.
    const beats = frames.reduce((a, f) => a + Math.ceil(f.length / (width / 8)), 0);
    expect(r.cycles).toBeGreaterThan(beats * 1.2);
  });

  it('runs at one beat per cycle without gaps or backpressure', () => {
    const frames = randomFrames(100, maxLen, width + 1);
    const src = m.streamSource('s_axis');
    const snk = m.streamSink('m_axis');
    src.pushAll(frames);
    snk.expectFrames = frames.length;
    const r = m.runStreams([src], [snk], { idleCycles: 0 });
    const beats = frames.reduce((a, f) => a + Math.ceil(f.length / (width / 8)), 0);
    expect(r.status).toBe('done');
    expect(r.cycles).toBe(beats + 1); // one cycle of register latency
    expect(snk.take()).toEqual(frames);
  });

  it('runs in chunks, with frames pushed between chunks', () => {
    const frames = randomFrames(200, maxLen, width + 2);
    const src = m.streamSource('s_axis', { gap: { seed: 5, prob: 0.5 } });
    const snk = m.streamSink('m_axis', { backpressure: { seed: 6, prob: 0.5 } });
    const got: Uint8Array[] = [];
    let next = 0;
    let chunks = 0;
    while (got.length < frames.length) {
      // Feed a few frames per chunk, and read out what has arrived.
      for (let k = 0; k < 7 && next < frames.length; k++) src.push(frames[next++]!);
      const r = m.runStreams([src], [snk], { maxCycles: 97 });
      expect(r.status).not.toBe('stalled');
      got.push(...snk.take());
      chunks++;
      expect(chunks).toBeLessThan(10_000);
    }
    expect(got).toEqual(frames);
    expect(src.pending).toBe(0);
  });
});

describe('verilator stream fast path, edge cases', () => {
  let m: VerilatedModel;
  beforeAll(async () => {
    m = await buildModel(axisRegSpec(64, true));
    reset(m);
  });
  afterAll(() => m?.dispose());

  it('reports a stall when the sink never becomes ready', () => {
    const src = m.streamSource('s_axis');
    const snk = m.streamSink('m_axis', { backpressure: { seed: 3, prob: 1 } });
    src.pushAll(Array.from({ length: 10 }, () => new Uint8Array(20).fill(7)));
    snk.expectFrames = 10;
    const r = m.runStreams([src], [snk], { stallCycles: 50 });
    expect(r.status).toBe('stalled');
    expect(r.framesOut).toBe(0);
    expect(r.bytesIn).toBe(16); // two beats fill the slice
  });

  it('stops at maxCycles', () => {
    reset(m);
    const src = m.streamSource('s_axis');
    src.push(new Uint8Array(8000));
    const r = m.runStreams([src], [], { maxCycles: 10 });
    expect(r).toMatchObject({ status: 'maxCycles', cycles: 10 });
  });

  it('rejects ports of the wrong direction or a missing stream', () => {
    expect(() => m.streamSource('m_axis')).toThrow(/must be a model input/);
    expect(() => m.streamSink('x_axis')).toThrow(/has no port x_axis_tdata/);
    expect(() => m.streamSource('s_axis').push(new Uint8Array(0))).toThrow(/empty frames/);
  });
});
