// Random set/cancel/cancel_all traffic with bad commands and event-port backpressure, on every back end: each
// event is checked by the reference model (armed, passed, once per arm, not after a cancel, within the lateness
// bound), and every passed timer must fire. Small tick counters make the traffic cross the counter's wrap.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import type { TcpTimersParams } from '../../blocks/timers/params.ts';
import { timersSim, TimersDriver, type TimersSim } from './driver.ts';
import { readyFn, readyShape, stimulus } from './arbitraries.ts';

interface Config { name: string; params: Partial<TcpTimersParams>; runs: number; cmds: number; maxTimeout: number; maxBurst: number }

const configs: Config[] = [
  // 8 connections, all five kinds, a 10-bit tick counter that wraps every 1024 ticks.
  { name: '8 conns, 5 kinds', params: { conns: 8, kinds: 5, tickBits: 10, connBits: 4 }, runs: 60, cmds: 200, maxTimeout: 300, maxBurst: 120 },
  // Two rows: the sweep's stages hold the two rows alternately, the tightest read-after-write case.
  { name: '2 conns, 3 kinds', params: { conns: 2, kinds: 3, tickBits: 10, connBits: 2, evtDepth: 2 }, runs: 30, cmds: 150, maxTimeout: 200, maxBurst: 60 },
  // Not a power of two, one kind, an 8-bit counter.
  { name: '5 conns, 1 kind', params: { conns: 5, kinds: 1, tickBits: 8, connBits: 3 }, runs: 30, cmds: 150, maxTimeout: 50, maxBurst: 25 },
  // Eight kinds (no kind is out of range), a two-slot queue.
  { name: '4 conns, 8 kinds', params: { conns: 4, kinds: 8, tickBits: 10, connBits: 3, evtDepth: 2 }, runs: 30, cmds: 150, maxTimeout: 60, maxBurst: 60 },
];

describe.each(simBackends())('tcp_timers random traffic (%s)', async (backend) => {
  const sims = new Map<string, TimersSim>();
  for (const c of configs) sims.set(c.name, await timersSim(c.params, backend));
  afterAll(() => { for (const s of sims.values()) s.close(); });

  it.each(configs)('$name: every event is legal and timely, every passed timer fires', (c) => {
    const sim = sims.get(c.name)!;
    const p = { connBits: 16, ...c.params } as Required<Pick<TcpTimersParams, 'conns' | 'kinds' | 'connBits'>>;
    let events = 0, refused = 0, lateness = 0, margin = Infinity;
    fc.assert(fc.property(
      fc.array(stimulus({ conns: p.conns, kinds: p.kinds, connBits: p.connBits, maxTimeout: c.maxTimeout }), { minLength: c.cmds, maxLength: c.cmds }),
      readyShape(c.maxBurst), fc.constantFrom(1, 2, 3),
      (cmds, ready, prescale) => {
        const d = new TimersDriver(sim, c.params, { prescale, ready: readyFn(ready) });
        d.send(...cmds).flush();
        d.drain();
        d.checkCounters();
        expect(d.maxCmdWait).toBeLessThanOrEqual(1);
        events += d.events.length; refused += d.model.refused; lateness = Math.max(lateness, d.model.maxLateness); margin = Math.min(margin, d.model.minMargin);
      }), { numRuns: c.runs, seed: 0x7173 });
    console.log(`${backend} ${c.name}: ${events} events, ${refused} refused commands, worst lateness ${lateness} cycles, least unused allowance ${margin}`);
    expect(events).toBeGreaterThan(c.runs * 10);
  });
});
