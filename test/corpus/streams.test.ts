// The stream examples through the harness on every back end: the skid buffer, the width converters (and their
// round trip), the ring buffer against a cycle-accurate model, and the instance-based stream pipeline.
// (The same checks run on Icarus in test/examples/streams.test.ts.)
import { describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { SkidBuffer } from '../../examples/skid-buffer.ts';
import { StreamDownsizer, StreamUpsizer } from '../../examples/width-converter.ts';
import { RingBuffer } from '../../examples/ring-buffer.ts';
import { StreamPipeline } from '../../examples/stream-pipeline.ts';
import { AxisSink, AxisSource } from '../../sim/stream-models.ts';
import { runBulk } from '../../sim/bulk.ts';
import type { Sim } from '../../sim/harness.ts';
import { BeatSink, BeatSource, HoldChecker, mask, Rng, simFixture, type Beat } from './util.ts';

/** Runs until the sink holds `n` beats (then `extra` cycles), and detaches the agents. */
function runStreams(sim: Sim<unknown>, src: BeatSource, snk: BeatSink, n: number, extra = 5, timeout = 100_000) {
  sim.until(() => snk.beats.length >= n, { timeout, what: `${n} beats out` });
  sim.step(extra);
  src.detach(); snk.detach();
}

/** A wide beat with a random kind of tkeep: full, packed partial, sparse, or none at all. */
function mixedBeat(r: Rng, bits: number): Beat {
  const bytes = bits / 8, kind = r.int(4);
  const tkeep = kind === 0 ? mask(bytes) : kind === 1 ? mask(1 + r.int(bytes)) : kind === 2 ? r.bits(bytes) : 0n;
  return { tdata: r.bits(bits), tkeep, tlast: r.bool(0.3) ? 1n : 0n };
}

/** The downsizer's documented output for one input beat. */
function downsize(b: Beat, inBits: number, outBits: number): Beat[] {
  const ratio = inBits / outBits, kb = outBits / 8;
  const lanes = Array.from({ length: ratio }, (_, i) => ({
    tdata: (b.tdata! >> BigInt(i * outBits)) & mask(outBits),
    tkeep: (b.tkeep! >> BigInt(i * kb)) & mask(kb),
  }));
  let used = lanes.filter((l) => l.tkeep !== 0n);
  if (!used.length) used = b.tlast ? [lanes[0]!] : [];
  return used.map((l, i) => ({ ...l, tlast: b.tlast && i === used.length - 1 ? 1n : 0n }));
}

/** The upsizer's documented output for a sequence of narrow beats. */
function upsize(beats: Beat[], inBits: number, outBits: number): Beat[] {
  const ratio = outBits / inBits, kb = inBits / 8;
  const out: Beat[] = [];
  let lane = 0, data = 0n, keep = 0n;
  for (const b of beats) {
    data |= b.tdata! << BigInt(lane * inBits);
    keep |= b.tkeep! << BigInt(lane * kb);
    if (lane === ratio - 1 || b.tlast) { out.push({ tdata: data, tkeep: keep, tlast: b.tlast! }); lane = 0; data = 0n; keep = 0n; } else lane++;
  }
  return out;
}

/** Random packets of packed bytes as wide beats: full beats, then a partial low-aligned last beat with tlast. */
function packets(r: Rng, n: number, bits: number): Beat[] {
  const bytes = bits / 8, beats: Beat[] = [];
  for (let p = 0; p < n; p++) {
    let len = 1 + r.int(5 * bytes);
    while (len > 0) {
      const k = Math.min(len, bytes);
      beats.push({ tdata: r.bits(8 * k), tkeep: mask(k), tlast: len <= bytes ? 1n : 0n });
      len -= k;
    }
  }
  return beats;
}

function randomFrames(r: Rng, n: number, maxLen: number) {
  return Array.from({ length: n }, () => ({ data: Uint8Array.from({ length: 1 + r.int(maxLen) }, () => r.int(256)) }));
}

describe.each(simBackends())('stream examples on %s', (backend) => {
  // -------------------------------------------------------------------------------------------
  // Skid buffer

  describe('skid_buffer (as registered: 32 bits, tkeep, tlast)', () => {
    const skid = simFixture(SkidBuffer, { width: 32, keep: true, last: true }, { backend });
    const idle = (sim: Sim<unknown>) => { for (const p of ['in_tvalid', 'out_tready'] as const) sim.poke(p as never, 0); };

    for (const [gap, bp] of [[0.3, 0.4], [0.7, 0.1], [0.05, 0.8]]) {
      it(`every beat unchanged under random gaps (${gap}) and backpressure (${bp}); the output holds while stalled`, () => {
        const sim = skid() as Sim<unknown>;
        idle(sim); sim.reset();
        const r = new Rng(Math.round(gap * 100 + bp * 10));
        const beats = Array.from({ length: 2000 }, () => ({ tdata: r.bits(32), tkeep: r.bits(4), tlast: r.bool(0.2) ? 1n : 0n }));
        const src = new BeatSource(sim, 'in', beats, { gap, seed: r.int(1000) });
        const snk = new BeatSink(sim, 'out', { backpressure: bp, seed: r.int(1000) });
        const hold = new HoldChecker(sim, 'out');
        runStreams(sim, src, snk, beats.length);
        hold.detach();
        expect(snk.beats).toEqual(beats);
        expect(hold.violations).toEqual([]);
      });
    }

    it('full throughput: one beat per cycle with one cycle of latency', () => {
      const sim = skid() as Sim<unknown>;
      idle(sim); sim.reset();
      const r = new Rng(6);
      const beats = Array.from({ length: 500 }, () => ({ tdata: r.bits(32), tkeep: r.bits(4), tlast: r.bool(0.2) ? 1n : 0n }));
      const src = new BeatSource(sim, 'in', beats);
      const snk = new BeatSink(sim, 'out');
      runStreams(sim, src, snk, beats.length);
      expect(snk.beats).toEqual(beats);
      expect(src.accepted.at(-1)! - src.accepted[0]!).toBe(beats.length - 1);
      snk.cycles.forEach((c, i) => { if (c !== src.accepted[i]! + 1) expect({ i, c }).toEqual({ i, c: src.accepted[i]! + 1 }); });
    });

    it('presents a beat without waiting for tready, parks the next, drops in_tready; outputs never follow inputs combinationally', () => {
      const sim = skid();
      const [A, B, C] = [0xaaaa0001n, 0xbbbb0002n, 0xcccc0003n];
      sim.poke('in_tvalid', 0); sim.poke('out_tready', 0); sim.poke('in_tkeep' as never, 0xf); sim.poke('in_tlast' as never, 0); // tkeep and tlast are there with keep and last on (not in the static io type)
      sim.reset();
      const offer = (d: bigint, ready: number) => { sim.poke('in_tvalid', 1); sim.poke('in_tdata', d); sim.poke('out_tready', ready); };
      const state = () => ({ v: sim.peekN('out_tvalid'), d: sim.peekN('out_tvalid') ? sim.peekB('out_tdata') : undefined, rdy: sim.peekN('in_tready') });
      /** Every output, read after wiggling the inputs that the next edge does not see (none may move). */
      const outputsIgnoreInputs = () => {
        const before = JSON.stringify(['in_tready', 'out_tvalid', 'out_tdata', 'out_tkeep', 'out_tlast'].map((p) => String(sim.peek(p as never))));
        const saved = ['in_tvalid', 'in_tdata', 'in_tkeep', 'in_tlast', 'out_tready'].map((p) => [p, sim.peek(p as never)] as const);
        for (const [p] of saved) sim.poke(p as never, p === 'in_tdata' ? 0x12345678 : sim.peek(p as never) ? 0 : 1);
        const after = JSON.stringify(['in_tready', 'out_tvalid', 'out_tdata', 'out_tkeep', 'out_tlast'].map((p) => String(sim.peek(p as never))));
        for (const [p, v] of saved) sim.poke(p as never, v);
        return after === before;
      };
      const got = [];
      offer(A, 0); expect(outputsIgnoreInputs()).toBe(true); sim.step(); got.push(state()); // A taken: straight to the output register
      offer(B, 0); expect(outputsIgnoreInputs()).toBe(true); sim.step(); got.push(state()); // B taken while the output stalls: parked
      offer(C, 0); expect(outputsIgnoreInputs()).toBe(true); sim.step(); got.push(state()); // C offered, not taken
      offer(C, 1); expect(outputsIgnoreInputs()).toBe(true); sim.step(); got.push(state()); // A leaves, B moves up
      offer(C, 1); sim.step(); got.push(state()); // B leaves, C taken
      sim.poke('in_tvalid', 0); sim.step(); got.push(state()); // C leaves
      expect(got).toEqual([
        { v: 1, d: A, rdy: 1 },
        { v: 1, d: A, rdy: 0 },
        { v: 1, d: A, rdy: 0 },
        { v: 1, d: B, rdy: 1 },
        { v: 1, d: C, rdy: 1 },
        { v: 0, d: undefined, rdy: 1 },
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // Width converters

  describe('width converters', () => {
    const down = simFixture(StreamDownsizer, { inBits: 64, outBits: 16 }, { backend });
    const up = simFixture(StreamUpsizer, { inBits: 16, outBits: 64 }, { backend });
    const start = (sim: Sim<unknown>) => { sim.poke('in_tvalid' as never, 0); sim.poke('out_tready' as never, 0); sim.reset(); };

    it('64 -> 16 (as registered): lanes lowest first, null lanes skipped, tlast on the last emitted beat, under gaps and backpressure', () => {
      const sim = down() as Sim<unknown>;
      start(sim);
      const r = new Rng(64);
      const beats = Array.from({ length: 1500 }, () => mixedBeat(r, 64));
      const expected = beats.flatMap((b) => downsize(b, 64, 16));
      const src = new BeatSource(sim, 'in', beats, { gap: 0.2, seed: 11 });
      const snk = new BeatSink(sim, 'out', { backpressure: 0.3, seed: 12 });
      const hold = new HoldChecker(sim, 'out');
      runStreams(sim, src, snk, expected.length);
      hold.detach();
      expect(snk.beats).toEqual(expected);
      expect(hold.violations).toEqual([]);
      expect(src.done).toBe(true);
    });

    it('64 -> 16: one-lane input beats pass at one per cycle', () => {
      const sim = down() as Sim<unknown>;
      start(sim);
      const r = new Rng(65);
      const beats = Array.from({ length: 300 }, () => ({ tdata: r.bits(64), tkeep: 0x3n << BigInt(2 * r.int(4)), tlast: 1n }));
      const src = new BeatSource(sim, 'in', beats);
      const snk = new BeatSink(sim, 'out');
      runStreams(sim, src, snk, beats.length);
      expect(snk.beats).toEqual(beats.flatMap((b) => downsize(b, 64, 16)));
      expect(snk.cycles.at(-1)! - snk.cycles[0]!).toBe(beats.length - 1);
    });

    it('64 -> 16: full beats leave at four narrow beats in four cycles', () => {
      const sim = down() as Sim<unknown>;
      start(sim);
      const r = new Rng(66);
      const beats = Array.from({ length: 100 }, () => ({ tdata: r.bits(64), tkeep: 0xffn, tlast: r.bool(0.5) ? 1n : 0n }));
      const src = new BeatSource(sim, 'in', beats);
      const snk = new BeatSink(sim, 'out');
      runStreams(sim, src, snk, 4 * beats.length);
      expect(snk.beats).toEqual(beats.flatMap((b) => downsize(b, 64, 16)));
      expect(snk.cycles.at(-1)! - snk.cycles[0]!).toBe(4 * beats.length - 1);
    });

    it('16 -> 64 (as registered): packs lanes, early tlast zero-fills, tkeep carried per lane, under gaps and backpressure', () => {
      const sim = up() as Sim<unknown>;
      start(sim);
      const r = new Rng(16);
      const beats = Array.from({ length: 2000 }, () => ({ tdata: r.bits(16), tkeep: r.bits(2), tlast: r.bool(0.2) ? 1n : 0n }));
      beats.push({ tdata: 1n, tkeep: 3n, tlast: 1n });
      const expected = upsize(beats, 16, 64);
      const src = new BeatSource(sim, 'in', beats, { gap: 0.15, seed: 21 });
      const snk = new BeatSink(sim, 'out', { backpressure: 0.5, seed: 22 });
      const hold = new HoldChecker(sim, 'out');
      runStreams(sim, src, snk, expected.length);
      hold.detach();
      expect(snk.beats).toEqual(expected);
      expect(hold.violations).toEqual([]);
    });

    it('16 -> 64: one narrow beat per cycle in, one wide beat every four cycles out', () => {
      const sim = up() as Sim<unknown>;
      start(sim);
      const r = new Rng(17);
      const beats = Array.from({ length: 400 }, (_, i) => ({ tdata: r.bits(16), tkeep: 3n, tlast: i % 4 === 3 ? 1n : 0n }));
      const src = new BeatSource(sim, 'in', beats);
      const snk = new BeatSink(sim, 'out');
      runStreams(sim, src, snk, 100);
      expect(snk.beats).toEqual(upsize(beats, 16, 64));
      expect(src.accepted.at(-1)! - src.accepted[0]!).toBe(beats.length - 1);
    });

    it('round trip 64 -> 16 -> 64 of packed packets is bit-identical (both models open at once)', () => {
      const r = new Rng(1616);
      const wide = packets(r, 150, 64);
      const narrowModel = wide.flatMap((b) => downsize(b, 64, 16));
      expect(upsize(narrowModel, 16, 64)).toEqual(wide); // the models agree with each other ...
      const d = down() as Sim<unknown>, u = up() as Sim<unknown>;
      start(d); start(u);
      const s1 = new BeatSource(d, 'in', wide, { gap: 0.25, seed: 31 });
      const k1 = new BeatSink(d, 'out', { backpressure: 0.25, seed: 32 });
      runStreams(d, s1, k1, narrowModel.length);
      expect(k1.beats).toEqual(narrowModel); // ... and with the hardware, both ways
      const s2 = new BeatSource(u, 'in', k1.beats, { gap: 0.25, seed: 33 });
      const k2 = new BeatSink(u, 'out', { backpressure: 0.25, seed: 34 });
      runStreams(u, s2, k2, wide.length);
      expect(k2.beats).toEqual(wide);
    });
  });

  // -------------------------------------------------------------------------------------------
  // Ring buffer

  describe('ring_buffer', () => {
    const depths = [256, 16] as const;
    const rings = Object.fromEntries(depths.map((d) => [d, simFixture(RingBuffer, { width: 8, depth: d }, { backend })]));

    for (const depth of depths) {
      it(`depth ${depth}${depth === 256 ? ' (as registered)' : ''}: append, random-offset reads and frees match a cycle-accurate model`, () => {
        const sim = rings[depth]!();
        const ptrMod = 2 * depth;
        for (const p of ['in_tvalid', 'rd_req', 'free_en', 'rd_offset', 'free_count', 'in_tdata'] as const) sim.poke(p, 0);
        sim.reset();
        const r = new Rng(depth);
        let wr = 0, rd = 0, readValid = 0, readData: number | undefined;
        const mem: (number | undefined)[] = Array(depth).fill(undefined);
        let validReads = 0, sawFull = false, sawEmpty = false, wraps = 0;
        const maxFree = depth === 16 ? 6 : 40;
        const phases: [number, number, number][] = depth === 16
          ? [[0.5, 0.3, 1000], [0.9, 0.05, 300], [0.1, 0.6, 300], [0.6, 0.4, 1000]]
          : [[0.5, 0.1, 1000], [0.95, 0.02, 800], [0.1, 0.5, 800], [0.6, 0.15, 2000]];
        const pin = { in_tvalid: sim.port('in_tvalid'), in_tdata: sim.port('in_tdata'), rd_req: sim.port('rd_req'), rd_offset: sim.port('rd_offset'), free_en: sim.port('free_en'), free_count: sim.port('free_count') };
        const pout = { count: sim.port('count'), wr_ptr: sim.port('wr_ptr'), rd_ptr: sim.port('rd_ptr'), full: sim.port('full'), empty: sim.port('empty'), in_tready: sim.port('in_tready'), rd_valid: sim.port('rd_valid'), rd_data: sim.port('rd_data') };
        let k = 0;
        for (const [pPush, pFree, n] of phases) {
          for (let i = 0; i < n; i++, k++) {
            const occ = (wr - rd + ptrMod) % ptrMod;
            const v = {
              in_tvalid: r.bool(pPush) ? 1 : 0, in_tdata: r.int(256), rd_req: r.bool(0.7) ? 1 : 0,
              rd_offset: Math.min(depth - 1, r.int(occ + 3)), free_en: r.bool(pFree) ? 1 : 0, free_count: r.int(maxFree),
            };
            for (const [name, a] of Object.entries(pin)) a.set(v[name as keyof typeof v]);
            sim.step();
            // One clock edge of the model.
            const full = occ === depth;
            if (v.rd_req) { readValid = v.rd_offset < occ ? 1 : 0; readData = mem[(rd + v.rd_offset) % depth]; } else readValid = 0;
            if (v.in_tvalid && !full) { mem[wr % depth] = v.in_tdata; wr = (wr + 1) % ptrMod; if (wr === 0) wraps++; }
            if (v.free_en) rd = (rd + Math.min(v.free_count, occ)) % ptrMod;
            const nOcc = (wr - rd + ptrMod) % ptrMod;
            const exp: Record<string, number | undefined> = {
              count: nOcc, wr_ptr: wr, rd_ptr: rd, full: nOcc === depth ? 1 : 0, empty: nOcc === 0 ? 1 : 0,
              in_tready: nOcc === depth ? 0 : 1, rd_valid: readValid, ...(readValid ? { rd_data: readData } : {}),
            };
            sim.eval();
            const got = Object.fromEntries(Object.keys(exp).map((key) => [key, pout[key as keyof typeof pout].get()]));
            if (JSON.stringify(got) !== JSON.stringify(exp)) expect({ k, ...got }).toEqual({ k, ...exp });
            if (readValid) validReads++;
            sawFull ||= nOcc === depth;
            sawEmpty ||= nOcc === 0 && k > 10;
          }
        }
        expect(validReads).toBeGreaterThan(500);
        expect(sawFull).toBe(true);
        expect(sawEmpty).toBe(true);
        expect(wraps).toBeGreaterThan(0); // the free-running pointers wrapped
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  // Stream pipeline

  describe('stream_pipeline', () => {
    const pipe = simFixture(StreamPipeline, { wideBits: 64, narrowBits: 16, fifoDepth: 32 }, { backend });

    for (const [gap, bp] of [[0.4, 0.6], [0, 0]]) {
      it(`(as registered) packed packets round trip bit-identical, beat by beat (gaps ${gap}, backpressure ${bp})`, () => {
        const sim = pipe() as Sim<unknown>;
        sim.poke('in_tvalid' as never, 0); sim.poke('out_tready' as never, 0);
        sim.reset();
        const wide = packets(new Rng(77 + gap * 10), 200, 64);
        const src = new BeatSource(sim, 'in', wide, { gap, seed: 41 });
        const snk = new BeatSink(sim, 'out', { backpressure: bp, seed: 42 });
        const hold = new HoldChecker(sim, 'out');
        runStreams(sim, src, snk, wide.length);
        hold.detach();
        expect(snk.beats).toEqual(wide);
        expect(hold.violations).toEqual([]);
        if (gap === 0 && bp === 0) {
          // Narrow beats are the bottleneck: about one narrow beat per cycle.
          const narrowBeats = wide.reduce((n, b) => n + Math.ceil(b.tkeep!.toString(2).length / 2), 0);
          expect(snk.cycles.at(-1)! - snk.cycles[0]!).toBeLessThan(narrowBeats + 50);
        }
      });
    }

    it('(as registered) frames through the AxisSource/AxisSink agents (random gaps, backpressure), then through runBulk', () => {
      const sim = pipe() as Sim<unknown>;
      sim.poke('in_tvalid' as never, 0); sim.poke('out_tready' as never, 0);
      sim.reset();
      const r = new Rng(88);
      const frames = randomFrames(r, 150, 60);
      const src = new AxisSource(sim, 'in', { gap: 0.3, seed: 5 });
      const snk = new AxisSink(sim, 'out', { backpressure: 0.4, seed: 6 });
      for (const f of frames) src.send(f.data);
      sim.until(() => snk.frames.length === frames.length, { timeout: 50_000, what: 'all frames out' });
      sim.removeAgent(src); sim.removeAgent(snk);
      expect(snk.frames.map((f) => [...f.data])).toEqual(frames.map((f) => [...f.data]));
      // The bulk path (native loop on Verilator, TS agents on native) on the same model.
      const more = randomFrames(r, 800, 100);
      const res = runBulk(sim, [{ prefix: 'in', frames: more, gap: 0.2, seed: 7 }], [{ prefix: 'out', backpressure: 0.2, seed: 8, expectFrames: more.length }]);
      expect(res.status).toBe('done');
      expect(res.received[0]!.map((f) => [...f.data])).toEqual(more.map((f) => [...f.data]));
    });
  });
});
