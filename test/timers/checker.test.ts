// The checks can fail: the reference model rejects illegal event traces, and the RTL's own traffic fails
// against a deliberately broken model.
import { describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { TimerOp } from '../../blocks/timers/codes.ts';
import { TimerModel, type TimerCmd } from './model.ts';
import { timersSim, TimersDriver } from './driver.ts';

const cfg = { conns: 4, kinds: 2, tickBits: 8 };
const set = (conn: number, kind: number, timeout: number): TimerCmd => ({ op: TimerOp.SET, conn, kind, timeout });
const cancel = (conn: number, kind: number): TimerCmd => ({ op: TimerOp.CANCEL, conn, kind, timeout: 0 });

/** A trace on a model with tick = cycle: commands and events at given cycles. */
function trace(steps: { cycle: number; cmd?: TimerCmd; event?: [number, number] }[], until: number) {
  const m = new TimerModel(cfg);
  for (let c = 0; c <= until; c++) {
    m.beginCycle(c, c & 255, 0);
    for (const s of steps.filter((x) => x.cycle === c)) {
      if (s.event) m.presented(c, ...s.event);
      if (s.cmd) m.command(c, s.cmd);
    }
  }
  return m;
}

describe('tcp_timers reference model', () => {
  it('accepts a legal trace', () => {
    expect(() => trace([{ cycle: 0, cmd: set(1, 0, 10) }, { cycle: 14, event: [1, 0] }], 30)).not.toThrow();
  });
  it('rejects an event for a timer never armed, a second event per arm, an event after a cancel', () => {
    expect(() => trace([{ cycle: 10, event: [1, 0] }], 10)).toThrow(/not armed/);
    expect(() => trace([{ cycle: 0, cmd: set(1, 0, 2) }, { cycle: 8, event: [1, 0] }, { cycle: 9, event: [1, 0] }], 10)).toThrow(/not armed/);
    expect(() => trace([{ cycle: 0, cmd: set(1, 0, 2) }, { cycle: 5, cmd: cancel(1, 0) }, { cycle: 8, event: [1, 0] }], 10)).toThrow(/not armed/);
  });
  it('rejects an event before its deadline, or too soon after its SET to be that arm\'s', () => {
    expect(() => trace([{ cycle: 0, cmd: set(1, 0, 10) }, { cycle: 12, event: [1, 0] }], 12)).toThrow(/had not passed/);
    expect(() => trace([{ cycle: 0, cmd: set(1, 0, 0) }, { cycle: 4, event: [1, 0] }], 4)).toThrow(/cycles after the SET/);
  });
  it('rejects a timer that passed its deadline and did not fire within the bound (and not one cycle earlier)', () => {
    const bound = cfg.conns + 5;
    expect(() => trace([{ cycle: 0, cmd: set(2, 1, 3) }, { cycle: 3 + bound, event: [2, 1] }], 3 + bound + 1)).not.toThrow();
    expect(() => trace([{ cycle: 0, cmd: set(2, 1, 3) }], 3 + bound + 1)).toThrow(/has not fired within/);
    expect(() => trace([{ cycle: 0, cmd: set(2, 1, 3) }], 3 + bound)).not.toThrow();
  });
});

describe.each(simBackends())('tcp_timers against a broken model (%s)', (backend) => {
  it('the RTL\'s traffic fails against a model that ignores cancels, and the idle bound is exact', async () => {
    const sim = await timersSim({ conns: 8, tickBits: 10, connBits: 4 }, backend);
    try {
      const p = { conns: 8, tickBits: 10, connBits: 4 };
      const broken = new TimersDriver(sim, p, { mutation: 'ignore-cancel' });
      broken.send(set(1, 0, 30), cancel(1, 0));
      expect(() => broken.drain()).toThrow(/has not fired within/);
      // Timeout 0 at every phase of the sweep: some timer waits exactly conns + 4 cycles, one less is too little.
      const run = (mutation: 'none' | 'idle-bound-minus-one') => {
        const d = new TimersDriver(sim, p, { mutation });
        for (let gap = 0; gap < 8; gap++) d.send({ ...set(gap, 0, 0), gap: 20 });
        d.drain();
        return d.model.maxLateness;
      };
      expect(run('none')).toBe(8 + 4);
      expect(() => run('idle-bound-minus-one')).toThrow(/has not fired within/);
    } finally { sim.close(); }
  });
});
