// The TX arbiter: frames from the ACK generator and the TX builder leave whole and unchanged, in each source's
// order; ACKs go first but data gets a frame after every ackBurst ACKs; back-to-back frames with no idle cycle.
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { AxisSource } from '../../sim/stream-models.ts';
import { runBulk } from '../../sim/bulk.ts';
import { simBackends } from '../backends.ts';
import { TxArbiter } from '../../blocks/ack_tx/tx-arbiter.ts';
import { FrameCollector, payloadBytes } from './drivers.ts';

const BURST = 4;
/** Frames tagged with their source and number in the first two bytes. */
const tagged = (tag: number, n: number, len: number, seed: number) => {
  const f = payloadBytes(Math.max(len, 2), seed);
  f[0] = tag; f[1] = n & 0xff;
  return f;
};
const ACK = 0xaa, DATA = 0xdd;

describe.each(simBackends())('tx_arbiter on %s', (backend) => {
  describe.each([8, 64, 512])('%i-bit datapath', async (width) => {
    const sim = await simulate(TxArbiter, { width, ackBurst: BURST }, { backend });
    afterAll(() => sim.close());
    const bytes = width / 8;

    it('random frames, gaps and backpressure: every frame whole and unchanged, each source in order', () => {
      fc.assert(fc.property(
        fc.array(fc.integer({ min: 2, max: 4 * bytes + 3 }), { maxLength: 25 }),
        fc.array(fc.integer({ min: 2, max: 12 * bytes + 5 }), { maxLength: 25 }),
        fc.constantFrom(0, 0.3, 0.7), fc.constantFrom(0, 0.3, 0.7), fc.nat(),
        (ackLens, dataLens, gap, backpressure, seed) => {
          sim.reset();
          const acks = ackLens.map((l, i) => tagged(ACK, i, l, seed + i));
          const datas = dataLens.map((l, i) => tagged(DATA, i, l, seed + 1000 + i));
          const a = new AxisSource(sim, 'ack', { gap, seed });
          const d = new AxisSource(sim, 'data', { gap, seed: seed + 1 });
          const out = new FrameCollector(sim, 'm_axis', { backpressure, seed: seed + 2 });
          acks.forEach((f) => a.send(f));
          datas.forEach((f) => d.send(f));
          sim.until(() => out.frames.length === acks.length + datas.length, { timeout: 20_000, what: 'all frames out' });
          sim.step(10);
          sim.removeAgent(a); sim.removeAgent(d); out.detach();
          expect(out.frames.length).toBe(acks.length + datas.length);
          expect(out.frames.filter((f) => f.data[0] === ACK).map((f) => [...f.data])).toEqual(acks.map((f) => [...f]));
          expect(out.frames.filter((f) => f.data[0] === DATA).map((f) => [...f.data])).toEqual(datas.map((f) => [...f]));
          expect(sim.peek('ack_frames')).toBe(acks.length);
          expect(sim.peek('data_frames')).toBe(datas.length);
        }), { numRuns: 15, seed: width });
    });

    it(`both sources saturated: ${BURST} ACK frames, then one data frame, and so on; no idle cycle`, () => {
      sim.reset();
      const acks = Array.from({ length: 40 }, (_, i) => tagged(ACK, i, 54 + (i % 3) * 12, i));
      const datas = Array.from({ length: 12 }, (_, i) => tagged(DATA, i, 200 + 37 * i, 100 + i));
      const r = runBulk(sim, [{ prefix: 'ack', frames: acks.map((data) => ({ data })) }, { prefix: 'data', frames: datas.map((data) => ({ data })) }],
        [{ prefix: 'm_axis', expectFrames: acks.length + datas.length }], { idleCycles: 0 });
      expect(r.status).toBe('done');
      const order = r.received[0]!.map((f) => (f.data[0] === ACK ? 'A' : 'D')).join('');
      expect(order).toBe(`${'AAAAD'.repeat(10)}DD`);
      const beats = [...acks, ...datas].reduce((n, f) => n + Math.ceil(f.length / bytes), 0);
      expect(r.cycles).toBeLessThanOrEqual(beats + 4);
    });

    it('a waiting ACK goes before waiting data; data flows freely when no ACK waits', () => {
      sim.reset();
      const d = new AxisSource(sim, 'data');
      const a = new AxisSource(sim, 'ack');
      const out = new FrameCollector(sim, 'm_axis');
      for (let i = 0; i < 3; i++) d.send(tagged(DATA, i, 3 * bytes, i));
      sim.step(1); // data frame 0 starts
      a.send(tagged(ACK, 0, bytes + 1, 9));
      sim.until(() => out.frames.length === 4, { timeout: 500 });
      sim.removeAgent(a); sim.removeAgent(d); out.detach();
      expect(out.frames.map((f) => f.data[0] === ACK ? 'A' : 'D').join('')).toBe('DADD');
    });
  });
});
