// Stream agents and the bulk path move frames through a stream register slice unchanged, on any width,
// with random valid gaps and tready backpressure.
import { describe, it, expect, afterAll } from 'vitest';
import { defineModule, input, output, Stream, UInt, Bool, cat, mux, when } from '../../dsl/index.ts';
import { simulate } from '../../sim/harness.ts';
import { AxisSink, AxisSource } from '../../sim/stream-models.ts';
import { runBulk } from '../../sim/bulk.ts';
import { Xorshift } from '../../sim/stream-models.ts';
import { simBackends } from '../backends.ts';

/** A pipeline register for a stream: full throughput; tready is combinational from downstream. */
const Slice = defineModule('slice', (m, p: { width: number }) => {
  const io = m.io({ s: input(Stream(p.width, { keep: true, user: 4 })), d: output(Stream(p.width, { keep: true, user: 4 })) });
  const full = m.reg(Bool, { reset: 0 });
  const data = m.reg(UInt(p.width));
  const keep = m.reg(UInt(p.width / 8));
  const last = m.reg(Bool);
  const user = m.reg(UInt(4));
  const canTake = full.lnot().lor(io.d.tready);
  when(canTake, () => {
    full.set(io.s.tvalid);
    data.set(io.s.tdata); keep.set(io.s.tkeep!); last.set(io.s.tlast!); user.set(io.s.tuser!);
  });
  io.s.tready.set(canTake);
  io.d.tvalid.set(full);
  io.d.tdata.set(data); io.d.tkeep!.set(keep); io.d.tlast!.set(last); io.d.tuser!.set(user);
  void mux;
  return io;
}, { width: 64 });

function frames(n: number, maxLen: number, seed: number) {
  const r = new Xorshift(seed);
  return Array.from({ length: n }, (_, i) => ({ data: Uint8Array.from({ length: 1 + Math.floor(r.next() * maxLen) }, () => Math.floor(r.next() * 256)), user: i & 15 }));
}

describe.each([8, 64, 512])('stream agents through a %i-bit register slice', async (width) => {
  const sim = await simulate(Slice, { width }, { backend: 'verilator' });
  afterAll(() => sim.close());

  it('per-cycle agents: frames unchanged under gaps and backpressure', () => {
    sim.reset();
    const src = new AxisSource(sim, 's', { gap: 0.3, seed: 7 });
    const snk = new AxisSink(sim, 'd', { backpressure: 0.3, seed: 9 });
    const sent = frames(60, 3 * width / 8 + 5, width);
    for (const f of sent) src.send(f.data, f.user);
    sim.until(() => snk.frames.length === sent.length, { timeout: 20_000, what: 'all frames out' });
    expect(snk.frames.map((f) => [...f.data])).toEqual(sent.map((f) => [...f.data]));
    expect(snk.frames.map((f) => f.user)).toEqual(sent.map((f) => f.user));
    sim.removeAgent(src); sim.removeAgent(snk);
  });

  it('bulk run (native loop on Verilator): 500 frames unchanged', () => {
    const sent = frames(500, 4 * width / 8, width + 1);
    const r = runBulk(sim, [{ prefix: 's', frames: sent, gap: 0.2 }], [{ prefix: 'd', backpressure: 0.2, expectFrames: sent.length }]);
    expect(r.status).toBe('done');
    expect(r.received[0]!.map((f) => [...f.data])).toEqual(sent.map((f) => [...f.data]));
  });
});

/** Marks each frame's first beat with tuser bit 0 and its last beat with bit 1 (a one-beat frame gets both). */
const BeatMarks = defineModule('beat_marks', (m, p: { width: number }) => {
  const io = m.io({ s: input(Stream(p.width)), d: output(Stream(p.width, { user: 2 })) });
  const inFrame = m.reg(Bool, { reset: 0 });
  when(io.s.tvalid.land(io.d.tready), () => inFrame.set(io.s.tlast!.lnot()));
  io.s.tready.set(io.d.tready);
  io.d.tvalid.set(io.s.tvalid);
  io.d.tdata.set(io.s.tdata); io.d.tkeep!.set(io.s.tkeep!); io.d.tlast!.set(io.s.tlast!);
  io.d.tuser!.set(cat(io.s.tlast!, inFrame.lnot()));
  return io;
}, { width: 64 });

describe.each(simBackends())('a frame\'s tuser is the OR over its beats (%s)', (backend) => {
  it('per-cycle sink and bulk path agree: flags on the first beat and on the last beat both show', async () => {
    const sim = await simulate(BeatMarks, { width: 64 }, { backend });
    try {
      const input = [1, 8, 9, 64, 3].map((n) => ({ data: Uint8Array.from({ length: n }, (_, i) => i) }));
      sim.reset();
      const src = new AxisSource(sim, 's');
      const sink = new AxisSink(sim, 'd', { backpressure: 0.3 });
      input.forEach((f) => src.send(f.data));
      sim.until(() => sink.frames.length === input.length, { timeout: 1000 });
      expect(sink.frames.map((f) => f.user)).toEqual([3, 3, 3, 3, 3]);
      sim.removeAgent(src); sim.removeAgent(sink);
      const r = runBulk(sim, [{ prefix: 's', frames: input }], [{ prefix: 'd', expectFrames: input.length, backpressure: 0.3 }]);
      expect(r.received[0]!.map((f) => f.user)).toEqual([3, 3, 3, 3, 3]);
    } finally { sim.close(); }
  });
});
