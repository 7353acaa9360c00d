// Directed cases: reset, timing of a lone timer and the sweep period, re-arm, cancel and cancel_all, the tick
// counter's wrap, the prescaler, commands racing the sweep at every pipeline offset, events withdrawn from the
// queue, long event backpressure, commands during a mass expiry, and refused bad input. The reference model
// checks every event in every case; the assertions here pin down what each case is about.
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { TimerError, TimerKind, TimerOp } from '../../blocks/timers/codes.ts';
import type { TcpTimersParams } from '../../blocks/timers/params.ts';
import { timersSim, TimersDriver, type TimersSim } from './driver.ts';
import { IDLE_LATENESS } from './model.ts';

const { SET, CANCEL, CANCEL_ALL } = TimerOp;
const small: Partial<TcpTimersParams> = { conns: 8, tickBits: 10, connBits: 4 };
const wrap8: Partial<TcpTimersParams> = { conns: 8, tickBits: 8, connBits: 4 };
const two: Partial<TcpTimersParams> = { conns: 2, kinds: 5, tickBits: 10, connBits: 2 };

describe.each(simBackends())('tcp_timers directed (%s)', async (backend) => {
  const sims = {
    dflt: await timersSim({}, backend),
    small: await timersSim(small, backend),
    wrap8: await timersSim(wrap8, backend),
    two: await timersSim(two, backend),
  };
  afterAll(() => Object.values(sims).forEach((s) => s.close()));
  const drv = (sim: TimersSim, p: Partial<TcpTimersParams>, opts = {}) => new TimersDriver(sim, p, opts);

  it('clears the table after reset: cmd_ready low for conns cycles, timers armed before the reset never fire', () => {
    const sim = sims.dflt;
    sim.poke('cmd_valid', 0);
    sim.reset();
    let low = 0;
    while (sim.peek('cmd_ready') === 0 && low < 1000) { expect(sim.peek('init_done')).toBe(0); sim.step(1); low++; }
    expect(low).toBe(64);
    const d = drv(sim, {});
    for (let c = 0; c < 64; c++) d.send({ op: SET, conn: c, kind: c % 5, timeout: 300 });
    d.flush();
    // Reset with 64 timers armed: the new driver's model has nothing armed, so any event fails the test.
    const after = drv(sim, {});
    after.run(600);
    expect(after.events).toEqual([]);
  });

  it(`a lone timer fires ${IDLE_LATENESS}..64+${IDLE_LATENESS} cycles after its deadline; the sweep visits every row each 64 cycles`, () => {
    const d = drv(sims.dflt, {});
    const late = new Map<number, number[]>();
    for (const timeout of [0, 1, 2, 10, 100]) {
      const seen: number[] = [];
      for (let phase = 0; phase < 64; phase++) {
        const before = d.events.length;
        d.send({ op: SET, conn: 37, kind: TimerKind.PERSIST, timeout, gap: phase });
        d.flush();
        const set = d.accepted[d.accepted.length - 1]!.cycle;
        while (d.events.length === before) d.step();
        seen.push(d.events[before]!.presented - (set + timeout));
      }
      late.set(timeout, [Math.min(...seen), Math.max(...seen)]);
    }
    // timeout 0 and 1: the SET's own write hides the timer from the visit in its cycle and the next one.
    expect(Object.fromEntries(late)).toEqual({ 0: [5, 64 + 4], 1: [4, 64 + 3], 2: [3, 64 + 2], 10: [3, 64 + 2], 100: [3, 64 + 2] });
    const s0 = d.sim.peekN('sweeps');
    d.run(64 * 10);
    expect(d.sim.peekN('sweeps') - s0).toBe(10);
    d.checkCounters();
  });

  it('re-arming replaces the deadline (later and earlier); cancelling an idle timer is harmless', () => {
    const d = drv(sims.small, small);
    d.send({ op: SET, conn: 2, kind: TimerKind.RTO, timeout: 10 }, { op: SET, conn: 2, kind: TimerKind.RTO, timeout: 200, gap: 3 });
    d.send({ op: SET, conn: 5, kind: TimerKind.DELACK, timeout: 300 }, { op: SET, conn: 5, kind: TimerKind.DELACK, timeout: 20, gap: 2 });
    d.send({ op: CANCEL, conn: 6, kind: TimerKind.KEEPALIVE, timeout: 0 });
    d.drain();
    const at = (conn: number) => d.events.filter((e) => e.conn === conn).map((e) => e.presented);
    const setAt = (i: number) => d.accepted[i]!.cycle;
    expect(at(2)).toHaveLength(1);
    expect(at(2)[0]! - setAt(1)).toBeGreaterThanOrEqual(200);
    expect(at(5)).toHaveLength(1);
    expect(at(5)[0]! - setAt(3)).toBeLessThanOrEqual(20 + 8 + IDLE_LATENESS);
    expect(d.events).toHaveLength(2);
    d.checkCounters();
  });

  it('cancel disarms one kind, cancel_all every kind of one connection', () => {
    const d = drv(sims.small, small);
    for (const conn of [3, 4]) for (let k = 0; k < 5; k++) d.send({ op: SET, conn, kind: k, timeout: 50 });
    d.send({ op: CANCEL, conn: 3, kind: TimerKind.RTO, timeout: 0 }, { op: CANCEL_ALL, conn: 4, kind: 7, timeout: 0 });
    d.drain();
    expect(d.events.map((e) => [e.conn, e.kind]).sort()).toEqual([[3, 1], [3, 2], [3, 3], [3, 4]]);
    expect(d.model.refused).toBe(0);
    d.checkCounters();
  });

  it('deadlines across the tick counter wrap fire on time, not early (8-bit counter)', () => {
    const d = drv(sims.wrap8, wrap8);
    d.sim.until(() => d.sim.peekN('now') === 240, { timeout: 300 });
    const start = d.sim.peekN('now');
    expect(start).toBe(240);
    // Deadlines 240 + 30 = 14 (after the wrap) and 240 + 127 = 111 (the longest timeout: 2^7 - 1).
    d.send({ op: SET, conn: 1, kind: 0, timeout: 30 }, { op: SET, conn: 2, kind: 0, timeout: 127 });
    d.flush();
    const set = d.accepted.map((a) => a.cycle);
    let wrapped = false, last = d.sim.peekN('now');
    while (d.events.length < 2) {
      d.step();
      const n = d.sim.peekN('now');
      if (n < last) wrapped = true;
      last = n;
    }
    expect(wrapped).toBe(true);
    expect(d.events[0]!.presented - set[0]!).toBeGreaterThanOrEqual(30);
    expect(d.events[1]!.presented - set[1]!).toBeGreaterThanOrEqual(127);
    expect(d.events[1]!.presented - set[1]!).toBeLessThanOrEqual(127 + 8 + IDLE_LATENESS);
    d.drain();
  });

  it('the prescaler: a tick lasts max(prescale, 1) cycles', () => {
    for (const [prescale, period] of [[0, 1], [1, 1], [10, 10]] as const) {
      const d = drv(sims.small, small, { prescale });
      const n0 = d.sim.peekN('now');
      d.run(100);
      expect(d.sim.peekN('now') - n0).toBeGreaterThanOrEqual(100 / period - 1);
      expect(d.sim.peekN('now') - n0).toBeLessThanOrEqual(100 / period);
      d.send({ op: SET, conn: 0, kind: 0, timeout: 5 }).flush();
      const set = d.cycle;
      d.drain();
      expect(d.events[0]!.presented - set).toBeGreaterThanOrEqual(5 * period - period);
    }
  });

  // Every offset between a command and the sweep's visit of its row, on 8 rows and on 2 (where the sweep's
  // stages hold the two rows alternately). The model rejects an event after the cancel or from the old arm.
  for (const [name, p, sim] of [['8 conns', small, 'small'], ['2 conns', two, 'two']] as const) {
    it(`${name}: cancel, re-arm and cancel_all racing the sweep at every offset`, () => {
      const outcomes = { fired: 0, cancelled: 0 };
      for (let gap = 0; gap < 2 * p.conns! + 8; gap++) {
        for (const second of [CANCEL, SET, CANCEL_ALL]) {
          const d = drv(sims[sim], p);
          d.send({ op: SET, conn: 1, kind: 2, timeout: 0 }, { op: SET, conn: 1, kind: 3, timeout: 0 });
          d.send({ op: second, conn: 1, kind: 2, timeout: 40, gap });
          d.drain();
          const racing = d.accepted[2]!.cycle;
          const ofKind2 = d.events.filter((e) => e.kind === 2);
          const early = ofKind2.filter((e) => e.presented <= racing);
          expect(early.length).toBeLessThanOrEqual(1);
          if (early.length) outcomes.fired++; else outcomes.cancelled++;
          // After the racing command only its own arm (SET) may fire, once, 40 ticks later.
          const later = ofKind2.filter((e) => e.presented > racing);
          expect(later.length).toBe(second === SET ? 1 : 0);
          if (second === SET) expect(later[0]!.presented - racing).toBeGreaterThanOrEqual(40);
          // The other kind of the row: untouched by CANCEL and SET of kind 2; CANCEL_ALL stops it unless it fired first.
          const ofKind3 = d.events.filter((e) => e.kind === 3);
          if (second === CANCEL_ALL) expect(ofKind3.filter((e) => e.presented > racing)).toEqual([]);
          else expect(ofKind3).toHaveLength(1);
        }
      }
      // Both outcomes occur: the offsets straddle the visit.
      expect(outcomes.fired).toBeGreaterThan(0);
      expect(outcomes.cancelled).toBeGreaterThan(0);
    });
  }

  it('a command withdraws its queued events; an event already on the port is delivered (committed)', () => {
    const d = drv(sims.small, small, { ready: () => false });
    d.send({ op: SET, conn: 0, kind: 0, timeout: 0 }, { op: SET, conn: 1, kind: 0, timeout: 0 }, { op: SET, conn: 1, kind: 1, timeout: 0 });
    d.run(40);
    expect(d.events.map((e) => [e.conn, e.kind])).toEqual([[0, 0]]); // on the port, held
    d.send({ op: CANCEL, conn: 1, kind: 0, timeout: 0 }, { op: CANCEL, conn: 0, kind: 0, timeout: 0 }).run(10);
    expect(d.sim.peekN('withdrawn')).toBe(1);
    d.drain();
    expect(d.events.map((e) => [e.conn, e.kind])).toEqual([[0, 0], [1, 1]]);
    d.checkCounters();
  });

  it('event backpressure for 5000 cycles: 320 timers expire, none lost or repeated, commands still accepted', () => {
    const d = drv(sims.dflt, {}, { ready: (c: number) => c >= 5000 });
    for (let c = 0; c < 64; c++) for (let k = 0; k < 5; k++) d.send({ op: SET, conn: c, kind: k, timeout: (c * 7 + k) % 50 });
    d.flush();
    expect(d.maxCmdWait).toBeLessThanOrEqual(1);
    d.run(5000 - d.cycle);
    expect(d.events).toHaveLength(1); // the port holds one, the queue is full, the sweep waits
    d.drain();
    expect(d.events).toHaveLength(320);
    expect(new Set(d.events.map((e) => `${e.conn}.${e.kind}`)).size).toBe(320);
    d.checkCounters();
    for (let k = 0; k < 5; k++) expect(d.sim.peekN(`events_${k}` as never)).toBe(64);
  });

  it('commands wait at most one cycle while 320 timers expire at once; the sweep keeps raising events', () => {
    const d = drv(sims.dflt, {});
    for (let c = 0; c < 64; c++) for (let k = 0; k < 5; k++) d.send({ op: SET, conn: c, kind: k, timeout: 400 });
    d.flush();
    // From the deadline on, a command every cycle (cancels of random timers, some already fired).
    while (d.model.armedTimers().every((t) => !t.expired)) d.step();
    let x = 12345;
    for (let i = 0; i < 400; i++) { x = (x * 1103515245 + 12345) >>> 0; d.send({ op: CANCEL, conn: x % 64, kind: (x >>> 8) % 5, timeout: 0 }); }
    const from = d.cycle, ev0 = d.events.length;
    d.flush();
    const cycles = d.cycle - from;
    expect(d.maxCmdWait).toBeLessThanOrEqual(1);
    expect(cycles).toBeLessThanOrEqual(800);
    expect(d.events.length - ev0).toBeGreaterThan(cycles / 3);
    d.drain();
    d.checkCounters();
  });

  it('refuses bad commands with a reason and a count, and changes nothing', () => {
    const d = drv(sims.small, small);
    d.send({ op: SET, conn: 3, kind: 0, timeout: 60 }, { op: SET, conn: 3, kind: 1, timeout: 60 }).flush();
    const expectLast = (cmd: Parameters<TimersDriver['send']>[0], code: number, refused: number) => {
      d.send(cmd).flush();
      d.step();
      expect([d.sim.peekN('err_code'), d.sim.peekN('refused')]).toEqual([code, refused]);
    };
    expectLast({ op: CANCEL, conn: 11, kind: 0, timeout: 0 }, TimerError.BAD_CONN, 1); // 11 = row 3 if truncated
    expectLast({ op: CANCEL_ALL, conn: 15, kind: 0, timeout: 0 }, TimerError.BAD_CONN, 2);
    expectLast({ op: SET, conn: 3, kind: 5, timeout: 0 }, TimerError.BAD_KIND, 3);
    expectLast({ op: CANCEL, conn: 3, kind: 7, timeout: 0 }, TimerError.BAD_KIND, 4);
    expectLast({ op: 3, conn: 3, kind: 1, timeout: 0 }, TimerError.BAD_OP, 5);
    expectLast({ op: CANCEL_ALL, conn: 5, kind: 7, timeout: 0 }, TimerError.BAD_OP, 5); // kind is ignored: accepted
    d.drain();
    expect(d.events.map((e) => [e.conn, e.kind])).toEqual([[3, 0], [3, 1]]);
    d.checkCounters();
  });
});
