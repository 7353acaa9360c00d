// The timer block's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { TcpTimers } from './tcp-timers.ts';

export const designs: DesignEntry[] = [
  design('tcp_timers', 'TCP timers (RTO, delayed ACK, persist, TIME-WAIT, keep-alive) for 64 connections: deadline table in RAM, round-robin sweep (64-cycle period), set/cancel/cancel_all commands, event queue',
    TcpTimers, {}),
];
