// The timer block's parameters, their checks, and the geometry derived from them.
import { clog2 } from '../../dsl/index.ts';
import { MAX_KINDS } from './codes.ts';

export interface TcpTimersParams {
  /** Connections (table rows), >= 2; any integer, not only powers of two. */
  conns: number;
  /** Timer kinds per connection, 1..8 (TimerKind order: 5 = RTO, delayed ACK, persist, TIME-WAIT, keep-alive). */
  kinds: number;
  /** Width of the tick counter and of each stored deadline; timeouts are at most 2^(tickBits-1) - 1 ticks. */
  tickBits: number;
  /** Width of the prescale input: a tick lasts max(prescale, 1) clock cycles. */
  prescaleBits: number;
  /** Width of the conn fields on the command and event ports; conn >= conns is refused. */
  connBits: number;
  /** Event queue slots between the sweep and the event port (a power of two >= 2). */
  evtDepth: number;
  /** Width of the statistics counters (they wrap). */
  counterBits: number;
}

export const timersDefaults: TcpTimersParams = {
  conns: 64, kinds: 5, tickBits: 24, prescaleBits: 24, connBits: 16, evtDepth: 4, counterBits: 32,
};

export interface TimersGeometry {
  /** Bits of a row (connection) index inside the block. */
  rowBits: number;
  /** Bits of a timeout: tickBits - 1, so every representable timeout is a valid future deadline. */
  timeoutBits: number;
  /** Bits of a queue slot index. */
  slotBits: number;
}

const pow2 = (n: number) => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

export function timersGeometry(p: TcpTimersParams): TimersGeometry {
  const fail = (why: string): never => { throw new Error(`tcp_timers: ${why}`); };
  const int = (name: keyof TcpTimersParams, lo: number, hi: number) => {
    const v = p[name];
    if (!Number.isInteger(v) || v < lo || v > hi) fail(`${name} must be an integer in ${lo}..${hi}, got ${v}`);
  };
  int('conns', 2, 1 << 20);
  int('kinds', 1, MAX_KINDS);
  int('tickBits', 4, 48);
  int('prescaleBits', 1, 32);
  int('counterBits', 1, 64);
  const rowBits = clog2(p.conns);
  int('connBits', Math.max(rowBits, 1), 32);
  if (!pow2(p.evtDepth) || p.evtDepth < 2 || p.evtDepth > 64) fail(`evtDepth must be a power of two in 2..64, got ${p.evtDepth}`);
  return { rowBits, timeoutBits: p.tickBits - 1, slotBits: clog2(p.evtDepth) };
}
