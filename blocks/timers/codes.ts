// The timer block's codes: timer kinds, command operations and refusal reasons (shared by the RTL and its tests).

/** The timer kinds, in table order. A design with `kinds: k` has the first k of these. */
export const TimerKind = {
  /** Retransmission timeout (RFC 6298). */
  RTO: 0,
  /** Delayed acknowledgement (RFC 1122 4.2.3.2). */
  DELACK: 1,
  /** Zero-window probe (persist) timer (RFC 9293 3.8.6.1). */
  PERSIST: 2,
  /** TIME-WAIT (2 MSL) timer (RFC 9293 3.6). */
  TIMEWAIT: 3,
  /** Keep-alive (RFC 1122 4.2.3.6). */
  KEEPALIVE: 4,
} as const;

/** Lower-case kind names, for memory and counter names in the Verilog. Kinds past KEEPALIVE are `kindN`. */
export const kindName = (k: number): string =>
  (['rto', 'delack', 'persist', 'timewait', 'keepalive'][k] ?? `kind${k}`);

/** Bits of the kind field on the command and event ports (up to 8 kinds). */
export const KIND_BITS = 3;
export const MAX_KINDS = 1 << KIND_BITS;

/** Command operations (cmd_op). */
export const TimerOp = {
  /** Arm (conn, kind) with deadline now + timeout; replaces an earlier arm of the same timer. */
  SET: 0,
  /** Disarm (conn, kind). A no-op when not armed. */
  CANCEL: 1,
  /** Disarm every kind of conn (connection closed); cmd_kind is ignored. */
  CANCEL_ALL: 2,
} as const;
export const OP_BITS = 2;

/** Why a command was refused (err_code, the last refusal; 0 = none since reset). Nothing is written. */
export const TimerError = {
  NONE: 0,
  /** cmd_conn >= conns. */
  BAD_CONN: 1,
  /** cmd_kind >= kinds (SET and CANCEL only). */
  BAD_KIND: 2,
  /** cmd_op is not a TimerOp. */
  BAD_OP: 3,
} as const;
export const ERROR_BITS = 2;
