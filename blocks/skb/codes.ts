// Codes on the skb manager's ports: queue operations, queue directions and error reasons (4 bits).

/** q_op values. */
export const QueueOp = { ENQUEUE: 0, DEQUEUE: 1, PEEK: 2 } as const;
/** q_dir values: each connection has a send queue and a receive queue. */
export const QueueDir = { SEND: 0, RECV: 1 } as const;

/**
 * Why an operation was refused. A refused operation changes nothing; it is counted (err_count) and reported
 * on its response port and as err_event/err_code.
 */
export const SkbError = {
  NONE: 0,
  /** A block id at or above the block count (free, get, enqueue, metadata or data port). */
  ID_RANGE: 1,
  /** free of a block that is not allocated: a double free. */
  DOUBLE_FREE: 2,
  /** get or enqueue of a block that is not allocated. */
  NOT_ALLOCATED: 3,
  /** get of a block whose reference count is at its maximum. */
  REF_OVERFLOW: 4,
  /** free that would drop the last reference of a block still in a queue. */
  FREE_QUEUED: 5,
  /** A queue operation on a connection number at or above the connection count. */
  BAD_CONN: 6,
  /** enqueue of a block that is already in a queue. */
  ALREADY_QUEUED: 7,
  /** A q_op value that is not an operation. */
  BAD_OP: 8,
} as const;
export type SkbErrorCode = (typeof SkbError)[keyof typeof SkbError];

export const ERROR_BITS = 4;

export function errorName(code: number): string {
  return Object.entries(SkbError).find(([, v]) => v === code)?.[0] ?? `code ${code}`;
}
