// The handshakes: latency, one segment per cycle, and a verdict that holds still under backpressure.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { checkSegment, inputFields, outputFields, type SegCase } from '../../sim/tcp/seq-check-model.ts';
import { segCase } from './arbitraries.ts';
import { runCases, seqCheckSim } from './driver.ts';

const LATENCY = 2;
const cases = (n: number, seed: number): SegCase[] => fc.sample(segCase, { numRuns: n, seed }).map((c, i) => ({ ...c, tag: i }));

describe.each(simBackends())('seq_check pipeline (%s)', async (backend) => {
  const sim = await seqCheckSim(backend);
  afterAll(() => sim.close());

  it(`takes one segment per cycle and answers ${LATENCY} cycles later`, () => {
    const input = cases(500, 11);
    const r = runCases(sim, input);
    expect(r.inCycle).toEqual(input.map((_, i) => i));
    expect(r.outCycle).toEqual(input.map((_, i) => i + LATENCY));
    expect(r.cycles).toBe(input.length + LATENCY);
    expect(r.verdicts).toEqual(input.map(checkSegment));
  });

  it('keeps order and loses nothing under heavy backpressure and idle input', () => {
    const input = cases(2000, 12);
    const r = runCases(sim, input, { gap: 0.5, backpressure: 0.7, seed: 5 });
    expect(r.verdicts.map((v) => v.tag)).toEqual(input.map((c) => c.tag));
    expect(r.verdicts).toEqual(input.map(checkSegment));
  });

  it('holds a stalled verdict still, fills its two stages, then drains in order', () => {
    const [a, b, c] = cases(3, 13);
    const offer = (s: SegCase | undefined) => {
      sim.poke('in_valid', s ? 1 : 0);
      if (s) for (const f of inputFields) sim.poke(`in_${f}`, s[f] as number | boolean);
    };
    const snapshot = () => outputFields.map((f) => sim.peekN(`out_${f}`));
    sim.poke('out_ready', 0);
    offer(a);
    expect(sim.peek('in_ready')).toBe(1);
    sim.step();
    offer(b);
    expect(sim.peek('in_ready')).toBe(1);
    sim.step();
    // a is in the output register, b in stage 1: the pipeline is full.
    offer(c);
    expect(sim.peek('out_valid')).toBe(1);
    expect(sim.peek('in_ready')).toBe(0);
    const held = snapshot();
    expect(held[0]).toBe(a!.tag);
    for (let i = 0; i < 20; i++) {
      sim.step();
      expect(sim.peek('in_ready')).toBe(0);
      expect(sim.peek('out_valid')).toBe(1);
      expect(snapshot()).toEqual(held);
    }
    // out_ready high makes room combinationally: c goes in on the same edge as a goes out.
    sim.poke('out_ready', 1);
    expect(sim.peek('in_ready')).toBe(1);
    sim.step();
    offer(undefined);
    const tags = [];
    for (let i = 0; i < 4; i++) {
      if (sim.peek('out_valid')) tags.push(sim.peekN('out_tag'));
      sim.step();
    }
    expect(tags).toEqual([b!.tag, c!.tag]);
    expect(sim.peek('out_valid')).toBe(0);
    expect(held[1]).toBe(checkSegment(a!).verdict);
  });

  it('comes out of reset empty and ignores inputs that are not valid', () => {
    sim.poke('out_ready', 1);
    sim.poke('in_valid', 1);
    sim.reset();
    sim.poke('in_valid', 0);
    for (let i = 0; i < 5; i++) { expect(sim.peek('out_valid')).toBe(0); sim.step(); }
    const input = cases(10, 14);
    expect(runCases(sim, input, { gap: 0.5 }).verdicts).toEqual(input.map(checkSegment));
  });
});
