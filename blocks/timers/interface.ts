// The timer block's valid/ready ports: commands in, timer events out.
import { UInt } from '../../dsl/index.ts';
import { Handshake } from '../host/handshake.ts';
import { KIND_BITS, OP_BITS } from './codes.ts';
import type { TcpTimersParams, TimersGeometry } from './params.ts';

/** A command (TimerOp): SET arms (conn, kind) for `timeout` ticks, CANCEL disarms it, CANCEL_ALL disarms every kind of conn. */
export const TimerCmd = (p: TcpTimersParams, g: TimersGeometry) => Handshake({
  op: UInt(OP_BITS),
  conn: UInt(p.connBits),
  kind: UInt(KIND_BITS),
  /** Ticks from now (SET only); the deadline is the tick counter at acceptance plus this. */
  timeout: UInt(g.timeoutBits),
});

/** A timer that expired: (conn, kind). It has been disarmed; it fires again only after another SET. */
export const TimerEvent = (p: TcpTimersParams) => Handshake({
  conn: UInt(p.connBits),
  kind: UInt(KIND_BITS),
});
