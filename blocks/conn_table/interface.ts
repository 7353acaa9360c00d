// The connection table's ports: lookups (datapath), firmware commands and responses, datapath TCB updates, and
// counters. TCB fields appear on the ports as one port per field of the Tcb layout (tcb.ts).
import { Bool, Flip, Struct, UInt } from '../../dsl/index.ts';
import { layoutFields } from '../host/layout-rtl.ts';
import { KEY_FIELDS, MASK_BITS, Tcb } from './tcb.ts';
import { INDEX_PORT_BITS, OP_BITS, STATUS_BITS } from './params.ts';

const keyFields = () => ({ local_ip: UInt(32), remote_ip: UInt(32), local_port: UInt(16), remote_port: UInt(16) });

/** A 4-tuple to look up (valid/ready; one per cycle). */
export const LookupIn = () => Struct({ valid: Bool, ready: Flip(Bool), ...keyFields() });

/**
 * A lookup's result, in order, LOOKUP_LATENCY cycles after acceptance when out_ready is high. The key fields echo
 * the looked-up tuple; the other TCB fields are meaningful only on a hit.
 */
export const LookupOut = () => Struct({ valid: Bool, ready: Flip(Bool), hit: Bool, index: UInt(INDEX_PORT_BITS), ...layoutFields(Tcb) });

/**
 * A firmware operation (ConnOp). INSERT uses the key fields; DELETE and READ use index; WRITE uses index, mask
 * (one bit per WRITABLE_FIELDS entry) and the writable fields. The payload must hold still while valid is high
 * and ready low: cmd_ready rises in the cycle the operation takes effect.
 */
export const CmdIn = () => Struct({
  valid: Bool, ready: Flip(Bool), op: UInt(OP_BITS), index: UInt(INDEX_PORT_BITS), mask: UInt(MASK_BITS), ...layoutFields(Tcb),
});

/** The answer to each command, in order. index: the allocated (or, for DUPLICATE, existing) index of an INSERT, else the command's. TCB fields: READ only. */
export const RespOut = () => Struct({
  valid: Bool, ready: Flip(Bool), op: UInt(OP_BITS), status: UInt(STATUS_BITS), index: UInt(INDEX_PORT_BITS), ...layoutFields(Tcb),
});

/** A datapath TCB write (e.g. seq_check's outcome): the masked writable fields of a connection. No response; refusals are counted. */
export const UpdIn = () => Struct({
  valid: Bool, ready: Flip(Bool), index: UInt(INDEX_PORT_BITS), mask: UInt(MASK_BITS), ...layoutFields(Tcb, KEY_FIELDS),
});

/** Free-running counters (wrapping) and occupancy. */
export const Stats = (countBits: number, stashCountBits: number) => Struct({
  /** Allocated connections. */
  occupancy: UInt(countBits),
  /** Connections placed in the stash CAM. */
  stash_used: UInt(stashCountBits),
  lookups: UInt(32),
  hits: UInt(32),
  misses: UInt(32),
  /** INSERTs refused: DUPLICATE, FULL or NO_ROOM. */
  insert_fails: UInt(32),
  /** DELETE/READ/WRITE refused: NOT_ALLOCATED or BAD_INDEX. */
  op_errors: UInt(32),
  /** Datapath updates dropped: index not allocated or out of range. */
  upd_refused: UInt(32),
});
