// cmd_exec's port bundles. Names follow the blocks they connect to (toe_top wires them by name): ct_* is
// conn_table's firmware port, timer_* tcp_timers', ack_ev/sack_set ack_gen's, skb_* skb_manager's.
import { Bool, Struct, UInt } from '../../dsl/index.ts';
import { Handshake } from '../host/handshake.ts';
import { ackEventFields, sackSetFieldsFor } from '../ack_tx/types.ts';
import { txrFields } from '../tx_engine/txr.ts';
import { ERROR_BITS } from '../skb/codes.ts';
import { skbGeometry } from '../skb/params.ts';
import { COMMAND_ENTRY_BITS, EVENT_ENTRY_BITS } from '../lib/fw-record.ts';
import type { CmdExecParams } from './params.ts';

/** A command queue entry from a core's fw_bus. */
export const CmdEntry = () => Handshake({ data: UInt(COMMAND_ENTRY_BITS) });
/** An event queue entry for a core's fw_bus (packEvent). */
export const EventEntry = () => Handshake({ data: UInt(EVENT_ENTRY_BITS) });

/** A source MAC seen on an accepted TCP frame for us (rx_dispatch); no ready: always taken. */
export const Learn = () => Struct({ valid: Bool, ip: UInt(32), mac: UInt(48) });
/** host_glue's report that the host consumed `len` received bytes of connection `conn`; no ready: always taken. */
export const RxRead = () => Struct({ valid: Bool, conn: UInt(16), len: UInt(32) });
/** For host_glue: a DELIVER consumed the peer's FIN on `conn` (its data already enqueued); no ready: one-cycle pulse. */
export const EofNotify = () => Struct({ valid: Bool, conn: UInt(16) });

export const TimerCmdPort = (p: CmdExecParams) => Handshake({ op: UInt(2), conn: UInt(16), kind: UInt(3), timeout: UInt(p.timeoutBits) });
export const TimerEvtPort = () => Handshake({ conn: UInt(16), kind: UInt(3) });

export const AckEvPort = (connBits: number) => Handshake(ackEventFields(connBits));
export const SackSetPort = (connBits: number) => Handshake(sackSetFieldsFor(connBits));

/**
 * A request to tx_engine (its `txr` port, fields defined once in blocks/tx_engine/txr.ts): TX_SEG, TX_SYN, TX_RST
 * or SQ_RELEASE with the command's fields and the TCB fields the frame needs.
 */
export const TxReqPort = () => Handshake(txrFields);
/** CONN_DELETE for tx_engine: forget the connection's send-queue state. */
export const SqDeletePort = () => Handshake({ conn: UInt(16) });
/** A request to host_glue (its `hreq` port): a COPY_IN or HOST_NOTE command entry, whole (kind code in bits 5..0). */
export const HostReqPort = () => Handshake({ data: UInt(COMMAND_ENTRY_BITS) });
/** TCB_WRITE SQ_BASE for tx_engine. */
export const SqBasePort = () => Handshake({ conn: UInt(16), value: UInt(32) });

/** skb_manager's ports (the subset cmd_exec uses), with its field names and widths. */
export function skbPorts(p: CmdExecParams) {
  const g = skbGeometry(p.skb);
  const id = UInt(p.skb.idBits);
  return {
    free: Handshake({ id }),
    q: Handshake({ op: UInt(2), conn: UInt(p.skb.connBits), dir: Bool, id }),
    q_resp: Struct({
      valid: Bool, op: UInt(2), conn: UInt(p.skb.connBits), dir: Bool, id, empty: Bool, count: UInt(g.countBits), error: UInt(ERROR_BITS),
    }),
    meta_wr: Struct({ valid: Bool, id, fields: UInt(3), len: UInt(16), seq: UInt(32), csum: UInt(16) }),
  };
}
