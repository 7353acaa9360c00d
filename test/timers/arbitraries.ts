// Random stimulus for tcp_timers: commands biased to collide on a few timers and to race the sweep, bad commands
// mixed in, and event-port backpressure from none to long stalls.
import fc from 'fast-check';
import { TimerOp } from '../../blocks/timers/codes.ts';
import type { Stimulus } from './driver.ts';
import { rng } from '../rng.ts';

export interface TrafficShape { conns: number; kinds: number; connBits: number; maxTimeout: number }

export function stimulus(s: TrafficShape): fc.Arbitrary<Stimulus> {
  const conn = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: s.conns - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(0, s.conns - 1) });
  const kind = fc.integer({ min: 0, max: s.kinds - 1 });
  const timeout = fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 3 * s.conns }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: s.maxTimeout }) },
  );
  const gap = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 * s.conns }) });
  const maxConn = 2 ** s.connBits - 1;
  const bad = fc.oneof(
    fc.record({ op: fc.constant(3), conn, kind, timeout }),
    fc.record({ op: fc.constantFrom(TimerOp.SET, TimerOp.CANCEL, TimerOp.CANCEL_ALL), conn: fc.integer({ min: Math.min(s.conns, maxConn), max: maxConn }), kind, timeout }),
    ...(s.kinds < 8 ? [fc.record({ op: fc.constantFrom(TimerOp.SET, TimerOp.CANCEL), conn, kind: fc.integer({ min: s.kinds, max: 7 }), timeout })] : []),
  );
  const cmd = fc.oneof(
    { weight: 10, arbitrary: fc.record({ op: fc.constant(TimerOp.SET), conn, kind, timeout }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant(TimerOp.CANCEL), conn, kind, timeout: fc.constant(0) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant(TimerOp.CANCEL_ALL), conn, kind: fc.integer({ min: 0, max: 7 }), timeout: fc.constant(0) }) },
    { weight: 1, arbitrary: bad },
  );
  return fc.tuple(cmd, gap).map(([c, g]) => ({ ...c, gap: g }));
}

/** How the event port's consumer behaves in one run. */
export interface ReadyShape { stallProb: number; burstEvery: number; burstLen: number; seed: number }

export const readyShape = (maxBurst: number): fc.Arbitrary<ReadyShape> => fc.record({
  stallProb: fc.constantFrom(0, 0.3, 0.8),
  burstEvery: fc.constantFrom(200, 500),
  burstLen: fc.integer({ min: 0, max: maxBurst }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

/** evt_ready per cycle: random stalls, plus a stall burst of burstLen cycles every burstEvery cycles. */
export function readyFn(r: ReadyShape): (cycle: number) => boolean {
  const rand = rng(r.seed);
  return (cycle) => {
    const draw = rand();
    if (cycle % r.burstEvery < r.burstLen) return false;
    return draw >= r.stallProb;
  };
}

export { rng };
