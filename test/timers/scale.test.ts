// 1024 connections without code changes (elaboration and a short simulation on every back end), and the
// parameter checks.
import { describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { elaborate } from '../../dsl/index.ts';
import { TcpTimers } from '../../blocks/timers/tcp-timers.ts';
import { TimerOp } from '../../blocks/timers/codes.ts';
import { timersSim, TimersDriver } from './driver.ts';
import { IDLE_LATENESS } from './model.ts';

describe.each(simBackends())('tcp_timers at 1024 connections (%s)', (backend) => {
  it('clears 1024 rows, fires timers at the table\'s ends within one 1024-cycle sweep, counts sweeps', async () => {
    const sim = await timersSim({ conns: 1024 }, backend);
    try {
      const d = new TimersDriver(sim, { conns: 1024 });
      expect(d.cycle).toBe(0);
      const conns = [0, 1, 511, 512, 1022, 1023];
      for (const conn of conns) d.send({ op: TimerOp.SET, conn, kind: conn % 5, timeout: 20 + conn });
      d.send({ op: TimerOp.SET, conn: 1024, kind: 0, timeout: 0 }); // out of range: refused
      d.flush();
      const s0 = sim.peekN('sweeps');
      d.drain();
      expect(d.events.map((e) => e.conn).sort((a, b) => a - b)).toEqual(conns);
      expect(d.model.maxLateness).toBeLessThanOrEqual(1024 + IDLE_LATENESS);
      const cycles = d.cycle;
      expect(sim.peekN('sweeps') - s0).toBeGreaterThanOrEqual(Math.floor((cycles - 20) / 1024) - 1);
      d.checkCounters();
      expect(sim.peekN('refused')).toBe(1);
    } finally { sim.close(); }
  });
});

describe('tcp_timers parameters', () => {
  it('elaborates from 2 to 4096 connections and 1 to 8 kinds', () => {
    for (const conns of [2, 3, 1000, 1024, 4096]) expect(() => elaborate(TcpTimers, { conns })).not.toThrow();
    for (const kinds of [1, 8]) expect(() => elaborate(TcpTimers, { kinds })).not.toThrow();
  });
  it('refuses parameters it cannot honour, naming them', () => {
    expect(() => elaborate(TcpTimers, { conns: 1 })).toThrow(/conns/);
    expect(() => elaborate(TcpTimers, { kinds: 9 })).toThrow(/kinds/);
    expect(() => elaborate(TcpTimers, { evtDepth: 3 })).toThrow(/evtDepth/);
    expect(() => elaborate(TcpTimers, { conns: 1024, connBits: 8 })).toThrow(/connBits/);
    expect(() => elaborate(TcpTimers, { tickBits: 2 })).toThrow(/tickBits/);
  });
});
