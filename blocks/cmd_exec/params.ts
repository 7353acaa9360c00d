// cmd_exec's parameters and the codes on its ports.
import { clog2 } from '../../dsl/index.ts';
import { skbDefaults, skbGeometry, type SkbParams } from '../skb/params.ts';

export interface CmdExecParams {
  /** Connections in conn_table / tcp_timers / ack_gen (conn >= conns is refused, never truncated). */
  conns: number;
  /** Entries of the learned neighbour table (IPv4 -> MAC), replaced round-robin. */
  neighbours: number;
  /** Width of tcp_timers' timeout field (its tickBits - 1); a longer delay_us is refused. */
  timeoutBits: number;
  /** The skb manager's parameters (port widths, block count). */
  skb: SkbParams;
}

export const cmdExecDefaults: CmdExecParams = { conns: 64, neighbours: 8, timeoutBits: 31, skb: skbDefaults };

export function cmdExecGeometry(p: CmdExecParams) {
  if (!Number.isInteger(p.conns) || p.conns < 2 || p.conns > 65535) throw new Error(`cmd_exec: conns must be 2..65535, got ${p.conns}`);
  if (!Number.isInteger(p.neighbours) || p.neighbours < 1 || p.neighbours > 64) throw new Error(`cmd_exec: neighbours must be 1..64, got ${p.neighbours}`);
  if (!Number.isInteger(p.timeoutBits) || p.timeoutBits < 1 || p.timeoutBits > 32) throw new Error(`cmd_exec: timeoutBits must be 1..32, got ${p.timeoutBits}`);
  const sg = skbGeometry(p.skb);
  return { connBits: Math.max(1, clog2(p.conns)), blocks: sg.blocks, nbrBits: Math.max(1, clog2(p.neighbours)) };
}

/** The timer kinds of tcp_timers (blocks/timers/codes.ts TimerKind) for firmware/api.ts TimerId RTO, PERSIST, TIME_WAIT. */
export const TIMER_KIND_OF_ID = [0, 2, 3] as const;

/** A new connection's TCB fields besides its tuple and MAC (sim/toe_model/hw-conn.ts defaults). */
export const INSERT_DEFAULTS = { rx_mode: 1 /* FIRMWARE */, rcv_mss: 536, mss: 536, rcvbuf: 65535 } as const;

/** The refusal / drop counters, in the order of the outputs. */
export const COUNTERS = [
  'commands_count', 'bad_kind_count', 'bad_conn_count', 'no_conn_count', 'bad_field_count', 'insert_refused_count',
  'fast_refused_count', 'deliver_refused_count', 'unknown_neighbour_count', 'timer_dropped_count', 'skb_error_count',
  'rx_read_bad_conn_count', 'wnd_no_conn_count',
] as const;
export type CounterName = (typeof COUNTERS)[number];
