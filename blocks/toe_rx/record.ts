// The segment record ToeRx gives the firmware for every TCP metadata record: the parser's fields, the connection
// lookup's outcome and seq_check's verdict. Defined once for the RTL port (seg_<field>) and the tests.
import { Bool, Flip, Struct, UInt, type ScalarT } from '../../dsl/index.ts';
import { metaFields, type FieldList } from '../rx_parser/meta.ts';
import { INDEX_PORT_BITS } from '../conn_table/params.ts';
import { ROUTE_BITS } from './route.ts';

/**
 * What the receive path found out about the segment, after the parser's fields. Every field but hit/no_conn is
 * zero unless hit (the verdict fields are seq_check's VerdictOut, see blocks/seq_check/interface.ts).
 */
export const OUTCOME_FIELDS = [
  ['hit', 1], // reason OK and the 4-tuple is in the connection table: seq_check ran
  ['no_conn', 1], // reason OK but no connection has this 4-tuple (a SYN for a listener, or a stray segment)
  ['index', INDEX_PORT_BITS], // the connection's index in conn_table
  ['state', 4], // the connection's TcbState at lookup
  ['verdict', 3], // SeqVerdict
  ['trim_front', 16],
  ['accept_len', 16],
  ['first_seq', 32],
  ['fin', 1],
  ['seq_ok', 1],
  ['ack_ok', 1],
  ['ack_advance', 1],
  ['dup_ack', 1],
  ['ack_unsent', 1],
  ['ack_too_old', 1],
  ['wnd_update', 1],
  ['seg_wnd', 32],
  ['updated', 1], // the hardware wrote the fast-path TCB updates (synchronised state and something to write)
  ['rcv_nxt', 32], // RCV.NXT after this segment (as written back, or as read when nothing was written)
  ['snd_una', 32], // SND.UNA after this segment
  // What rx_dispatch needs to carry the segment out (blocks/toe_rx/route.ts) and to build ack_gen's event.
  ['route', ROUTE_BITS], // Route: every record has one (BAD / NO_CONN without a hit)
  ['wnd_changed', 1], // wnd_update and SND.WND differs from the value before
  ['snd_wnd', 32], // SND.WND after this segment (scaled)
  ['rcv_wnd', 32], // RCV.WND after this segment
  ['ts_recent', 32], // TS.Recent after this segment
  ['snd_nxt', 32],
  ['rx_mode', 2], // the connection's RxMode at lookup
  ['sack_mode', 2],
  ['rcv_wscale', 4],
  ['ts_ok', 1],
  ['rcv_mss', 16],
  ['remote_mac', 48],
] as const satisfies FieldList;

export const recordFields = (sackBlocks: number): FieldList => [...metaFields(sackBlocks), ...OUTCOME_FIELDS];

/** The record port: seg_valid, seg_ready (an input) and one seg_<field> per field. */
export function recordBundle(sackBlocks: number) {
  const fields: Record<string, ScalarT | ReturnType<typeof Flip<ScalarT>>> = { valid: Bool, ready: Flip(Bool) };
  for (const [name, bits] of recordFields(sackBlocks)) fields[name] = UInt(bits);
  return Struct(fields);
}
