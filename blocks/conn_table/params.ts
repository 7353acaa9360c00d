// The connection table's parameters, the geometry derived from them, and the codes on its ports.
import { clog2 } from '../../dsl/index.ts';
import { hashMasks } from './hash.ts';

export interface ConnTableParams {
  /** Connections (TCBs): any count from 2 up; indices 0..conns-1. */
  conns: number;
  /** Slots per hash bucket (ways). */
  ways: number;
  /** Stash CAM entries, for inserts whose two buckets are both full. */
  stash: number;
  /** Seed of the two banks' H3 hash masks. */
  seed: number;
  /**
   * INSERT places the connection at the command's `index` (the firmware owns the indices, as the TOE's
   * CONN_INSERT does) instead of allocating one from the free list: BAD_INDEX when index >= conns, SLOT_BUSY when
   * it is in use. The free list is then not built (FULL never happens).
   */
  indexFromCmd?: boolean;
}

export const connTableDefaults: ConnTableParams = { conns: 64, ways: 4, stash: 4, seed: 1 };

/** Bits of connection indices on the ports (firmware and datapath), wide enough for any table size. */
export const INDEX_PORT_BITS = 16;
/** The two banks of the 2-choice hash. */
export const BANKS = 2;

export interface Geometry {
  conns: number;
  ways: number;
  stash: number;
  /** Bits of a connection index inside the block. */
  idxBits: number;
  /** Bits of a count 0..conns. */
  countBits: number;
  /** Buckets per bank: each bank has as many slots as there are connections (2x slots in all). */
  buckets: number;
  bucketBits: number;
  wayBits: number;
  stashBits: number;
  /** masks[bank][bit]: the H3 hash masks. */
  masks: bigint[][];
}

export function geometry(p: ConnTableParams): Geometry {
  const { conns, ways, stash } = p;
  if (!Number.isInteger(conns) || conns < 2 || conns > 1 << INDEX_PORT_BITS) throw new Error(`conn_table: conns must be 2..${1 << INDEX_PORT_BITS}, got ${conns}`);
  if (!Number.isInteger(ways) || ways < 1 || ways > 8) throw new Error(`conn_table: ways must be 1..8, got ${ways}`);
  if (!Number.isInteger(stash) || stash < 1 || stash > 16) throw new Error(`conn_table: stash must be 1..16, got ${stash}`);
  // Round the slots per bank up to a power of two of buckets, at least 2 buckets.
  const buckets = Math.max(2, 2 ** clog2(Math.ceil(conns / ways)));
  const bucketBits = clog2(buckets);
  return {
    conns, ways, stash,
    idxBits: Math.max(1, clog2(conns)),
    countBits: clog2(conns + 1),
    buckets, bucketBits,
    wayBits: Math.max(1, clog2(ways)),
    stashBits: Math.max(1, clog2(stash)),
    masks: [0, 1].map((b) => hashMasks(p.seed, b, bucketBits)),
  };
}

/** Firmware operations on the cmd port. */
export const ConnOp = {
  /** Insert a tuple: the block allocates the connection index (free list) and returns it; the TCB starts all zero (CLOSED). */
  INSERT: 0,
  /** Delete a connection by index: its tuple stops matching, its index returns to the free list. */
  DELETE: 1,
  /** Read a connection's TCB. */
  READ: 2,
  /** Write the TCB fields selected by the mask. */
  WRITE: 3,
} as const;
export const OP_BITS = 2;

/** Response status codes. Every refusal leaves the table unchanged. */
export const ConnStatus = {
  OK: 0,
  /** INSERT: the tuple is already in the table (the response carries its index). */
  DUPLICATE: 1,
  /** INSERT: every connection index is in use. */
  FULL: 2,
  /** INSERT: both buckets of the tuple and the stash are full (hash overflow; the table is not full). */
  NO_ROOM: 3,
  /** DELETE/READ/WRITE: the index is not allocated. */
  NOT_ALLOCATED: 4,
  /** DELETE/READ/WRITE: the index is >= conns. */
  BAD_INDEX: 5,
  /** INSERT with indexFromCmd: the command's index is already in use. */
  SLOT_BUSY: 6,
} as const;
export const STATUS_BITS = 3;

export const statusName = (s: number): string =>
  Object.entries(ConnStatus).find(([, c]) => c === s)?.[0] ?? `<invalid ${s}>`;

/** Cycles from a lookup's acceptance to its result (with out_ready high). */
export const LOOKUP_LATENCY = 4;
