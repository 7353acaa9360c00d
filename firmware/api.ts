// The contract between the TOE hardware and the firmware on its two embedded cores (RX core, TX core).
//
// Hardware -> firmware: events, one FIFO per core. Firmware -> hardware: commands, one FIFO per core.
// Every event and command is a flat record of fixed-width unsigned fields (each at most 32 bits), defined once
// below: the widths are the definitions. `packRecord` lays a record out in 128-bit bus words (the kind code in
// bits 5..0 of word 0, then the fields in the order listed, least significant first, a field never split across
// a word boundary), which is what the firmware bus carries; `recordWords(kind)` is a record's size in words.
//
// Conventions: sequence numbers and addresses are u32 (10.0.0.1 = 0x0a000001); booleans are 1-bit fields
// (0/1); `conn` is a connection-table index (NO_CONN = none); `skb` is a buffer id (NO_SKB = none); times are
// microseconds; windows are bytes (already scaled) unless the field says "as on the wire".

/** Field name -> width in bits (1..32). */
type FieldWidths = Record<string, number>;
interface RecordDef { readonly code: number; readonly fields: FieldWidths }

export const NO_CONN = 0xffff;
export const NO_SKB = 0xffff;
export const BUS_WORD_BITS = 128;
const KIND_BITS = 6;

/** TCP option fields as parsed by the RX parser (present bits, then values). */
const rxOptionFields = {
  /** MSS option present / value. */
  opt_mss_ok: 1, opt_mss: 16,
  /** Window scale option present / shift as sent. */
  opt_ws_ok: 1, opt_ws: 8,
  opt_sack_ok: 1,
  /** Timestamps option present / TSval / TSecr. */
  opt_ts_ok: 1, opt_tsval: 32, opt_tsecr: 32,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Events: hardware -> firmware.

export const EVENT_DEFS = {
  // ---- to the RX core ----
  /** A segment for no connection in the table (SYN to a listener, stray segment to answer with RST). */
  SEG_NOCONN: {
    code: 1, fields: {
      remote_ip: 32, remote_port: 16, local_port: 16,
      seq: 32, ack: 32, flags: 9, wnd: 16 /* as on the wire */, len: 16 /* payload bytes */,
      ...rxOptionFields,
    },
  },
  /**
   * A segment for a connection that needs firmware: the connection's rx_mode is FIRMWARE or RAW, or the fast
   * path declined it (SYN, FIN, RST, out of order). `verdict` is seq_check's (SeqVerdict) or UNCHECKED (RAW
   * mode: SYN-SENT). The accepted payload [first_seq, first_seq + accept_len) is in `skb` (NO_SKB when empty).
   * `rcv_nxt` is the hardware's RCV.NXT when the segment was checked. The ACK field has already been applied
   * by the hardware (SND.UNA, SND.WND) when ack_ok; the TX core got its ACK event.
   */
  SEG: {
    code: 2, fields: {
      conn: 16, verdict: 3, flags: 9, seq: 32, ack: 32, wnd: 16 /* as on the wire */, len: 16,
      skb: 16, first_seq: 32, accept_len: 16, fin: 1,
      ack_ok: 1, ack_advance: 1, ack_unsent: 1, rcv_nxt: 32,
      ...rxOptionFields,
    },
  },
  /** The host read data and the receive window grew enough to be worth advertising (RFC 1122 §4.2.3.3). */
  WND_OPEN: { code: 3, fields: { conn: 16, rcv_wnd: 32 } },

  // ---- to the TX core ----
  /**
   * The ACK field of an accepted segment changed something: SND.UNA advanced, a duplicate ACK (RFC 5681), or
   * the send window changed. snd_una / snd_wnd are the values after the update (snd_wnd scaled).
   */
  ACK: { code: 8, fields: { conn: 16, snd_una: 32, snd_wnd: 32, advanced: 1, dup: 1, wnd_changed: 1 } },
  /**
   * The SACK blocks of an accepted segment (SACK negotiated), as parsed, up to 4: posted just before that
   * segment's ACK event, so the hot-path ACK event stays one bus word. snd_una: after the segment's ACK field.
   */
  SACK_RCVD: {
    code: 11, fields: {
      conn: 16, snd_una: 32, count: 3,
      left0: 32, right0: 32, left1: 32, right1: 32, left2: 32, right2: 32, left3: 32, right3: 32,
    },
  },
  /** COPY_IN finished: `copied` bytes of host request `req` are now in the send queue; nomem: the pool ran dry. */
  COPY_DONE: { code: 9, fields: { conn: 16, req: 16, copied: 32, nomem: 1 } },
  /** skb blocks were freed after a COPY_IN hit nomem (sent once per nomem episode). */
  MEM_AVAILABLE: { code: 10, fields: { free_blocks: 16 } },

  // ---- to either core ----
  /** A timer set with TIMER_SET expired (TimerId says which; RTO and PERSIST go to TX, TIME_WAIT to RX). */
  TIMER: { code: 16, fields: { conn: 16, timer: 2 } },
  /** A message from the other core (Mail codes), through the hardware's inter-core mailbox. */
  MAIL: { code: 17, fields: { conn: 16, msg: 4, arg: 32 } },

  // ---- host commands (from the command ring) ----
  HOST_LISTEN: { code: 24, fields: { req: 16, local_port: 16 } },
  HOST_CONNECT: { code: 25, fields: { req: 16, remote_ip: 32, remote_port: 16, local_port: 16 } },
  /** To the TX core: `len` bytes of user data to send on `conn`. */
  HOST_SEND: { code: 26, fields: { req: 16, conn: 16, len: 32 } },
  HOST_CLOSE: { code: 27, fields: { req: 16, conn: 16 } },
  HOST_ABORT: { code: 28, fields: { req: 16, conn: 16 } },
  HOST_UNLISTEN: { code: 29, fields: { req: 16, local_port: 16 } },
} as const satisfies Record<string, RecordDef>;

// ---------------------------------------------------------------------------------------------------------------
// Commands: firmware -> hardware.

export const COMMAND_DEFS = {
  /** Add a connection to the lookup table at index `conn` (the hardware resolves the peer's MAC). */
  CONN_INSERT: { code: 1, fields: { conn: 16, remote_ip: 32, remote_port: 16, local_port: 16 } },
  /** Remove a connection: frees its send and receive queues, cancels its timers and delayed ACK. */
  CONN_DELETE: { code: 2, fields: { conn: 16 } },
  /** Write one hardware TCB field (TcbField). */
  TCB_WRITE: { code: 3, fields: { conn: 16, field: 5, value: 32 } },
  /**
   * Send a segment of the connection: payload [seq, seq + len) from its send queue, ACK = RCV.NXT, the window
   * and timestamps from the TCB. flags: TCP flags (FIN, PSH, ACK, RST). SND.NXT (the highest sent) follows.
   */
  TX_SEG: { code: 4, fields: { conn: 16, seq: 32, len: 16, flags: 9 } },
  /** Send a SYN or SYN-ACK with these options (window: RCVBUF, unscaled). */
  TX_SYN: {
    code: 5, fields: {
      conn: 16, seq: 32, ack: 32, flags: 9,
      mss: 16, ws_ok: 1, ws: 4, sack_ok: 1, ts_ok: 1, ts_ecr: 32,
    },
  },
  /**
   * A pure ACK from the TCB: now, delayed (the hardware's delayed-ACK policy), or a rate-limited challenge ACK.
   * dsack_left != dsack_right: this ACK (only this one) reports [dsack_left, dsack_right) as a D-SACK block
   * (RFC 2883) ahead of the connection's SACK blocks.
   */
  TX_ACK: { code: 6, fields: { conn: 16, mode: 2, dsack_left: 32, dsack_right: 32 } },
  /** A RST for a segment with no connection (RFC 9293 §3.10.7.1): flags RST or RST|ACK. */
  TX_RST: { code: 7, fields: { remote_ip: 32, remote_port: 16, local_port: 16, seq: 32, ack: 32, flags: 9 } },
  TIMER_SET: { code: 8, fields: { conn: 16, timer: 2, delay_us: 32 } },
  TIMER_CANCEL: { code: 9, fields: { conn: 16, timer: 2 } },
  /** Free a buffer the firmware holds (an out-of-order segment it gives up). */
  SKB_FREE: { code: 10, fields: { skb: 16 } },
  /** Free send-queue data below `upto` (acknowledged). */
  SQ_RELEASE: { code: 11, fields: { conn: 16, upto: 32 } },
  /**
   * Deliver held data [seq, seq + len) in `skb` to the user, guarded by the hardware: only the bytes at or after
   * RCV.NXT are appended (RCV.NXT advances); a segment entirely below RCV.NXT is freed; one starting beyond
   * RCV.NXT is refused (counted) and freed. fin: then consume the FIN at seq + len if RCV.NXT is there (EOF).
   * skb NO_SKB with len 0 delivers only the FIN.
   */
  DELIVER: { code: 12, fields: { conn: 16, skb: 16, seq: 32, len: 16, fin: 1 } },
  /** Pull up to `len` bytes of host send request `req` into the send queue; answered by COPY_DONE. */
  COPY_IN: { code: 13, fields: { conn: 16, req: 16, len: 32 } },
  /** Complete a host request or notify the host (HostNote). */
  HOST_NOTE: {
    code: 14, fields: {
      note: 4, status: 4, req: 16, conn: 16, local_port: 16, remote_port: 16, remote_ip: 32, value: 32,
    },
  },
  /** Post a message to the other core's event queue (arrives as a MAIL event). */
  MAIL: { code: 15, fields: { conn: 16, msg: 4, arg: 32 } },
  /**
   * The connection's SACK blocks (RFC 2018 §4: the block with the most recent segment first, then the most
   * recently reported others), the same count + four blocks as blocks/ack_tx's ACK event. The hardware keeps them
   * in the TCB and puts them into every segment carrying ACK it builds for the connection: blocks at or below
   * RCV.NXT are left out, at most 4 are sent (3 beside timestamps), and on a data segment only as many as fit
   * within SND_MSS. count 0: none.
   */
  SACK_SET: {
    code: 16, fields: {
      conn: 16, count: 3,
      left0: 32, right0: 32, left1: 32, right1: 32, left2: 32, right2: 32, left3: 32, right3: 32,
    },
  },
} as const satisfies Record<string, RecordDef>;

// ---------------------------------------------------------------------------------------------------------------
// Codes carried in fields.

/** seq_check verdicts (blocks/seq_check/interface.ts) plus UNCHECKED for RAW-mode connections. */
export const Verdict = {
  IN_ORDER: 0, OUT_OF_ORDER: 1, DUPLICATE: 2, SEND_ACK: 3, DROP: 4, RESET: 5, CHALLENGE_ACK: 6, UNCHECKED: 7,
} as const;

/** How the hardware routes a connection's received segments (TCB field RX_MODE). */
export const RxMode = {
  /** In-order data is delivered and ACKed by the hardware; the rest goes to the RX core. */
  FAST: 0,
  /** Checked by seq_check (the ACK field applied), then every segment goes to the RX core. */
  FIRMWARE: 1,
  /** Not checked (SYN-SENT: no RCV.NXT yet); every segment goes to the RX core. */
  RAW: 2,
} as const;

/** Hardware TCB fields the firmware writes (TCB_WRITE.field). */
export const TcbField = {
  RCV_NXT: 0, SND_UNA: 1, SND_NXT: 2, SND_WND: 3, SND_WL1: 4, SND_WL2: 5, MAX_SND_WND: 6,
  SND_WSCALE: 7, RCV_WSCALE: 8,
  /** Receive MSS: the delayed-ACK threshold is 2 * MSS. */
  RCV_MSS: 9,
  TS_ENABLED: 10, TS_RECENT: 11,
  /** Sequence number of the first byte of the send queue (ISS + 1). */
  SQ_BASE: 12,
  RX_MODE: 13,
  /** Receive buffer bytes: the receive window is RCVBUF minus data queued for the user. */
  RCVBUF: 14,
  /** The peer's MSS as we use it: payload plus options of a segment we send stay within it. */
  SND_MSS: 15,
  /** SackMode: SACK blocks (SACK_SET) and D-SACK (RFC 2883) on the hardware's own duplicate ACKs. */
  SACK_MODE: 16,
} as const;
export type TcbFieldId = (typeof TcbField)[keyof typeof TcbField];

export const SackMode = { OFF: 0, SACK: 1, SACK_DSACK: 2 } as const;

/** SACK blocks a SACK_SET carries (and the most any segment carries: four fit in the 40-byte option space). */
export const MAX_SACK_BLOCKS = 4;

export const TimerId = { RTO: 0, PERSIST: 1, TIME_WAIT: 2 } as const;
export type TimerIdCode = (typeof TimerId)[keyof typeof TimerId];

export const AckMode = { NOW: 0, DELAYED: 1, CHALLENGE: 2 } as const;

/** Inter-core messages (MAIL.msg). */
export const Mail = {
  /** RX -> TX: the connection is synchronised: start sending. */
  ESTABLISHED: 1,
  /** RX -> TX: the user closed: send a FIN after the queued data. */
  FIN_REQUESTED: 2,
  /** RX -> TX: the connection is gone (arg: CloseReason): fail pending sends, forget it, free its index. */
  CONN_GONE: 3,
  /** TX -> RX: retransmissions exhausted: abort. */
  TIMED_OUT: 4,
} as const;

export const CloseReason = { NORMAL: 0, RESET: 1, TIMEOUT: 2, REFUSED: 3, ABORTED: 4 } as const;

/** HOST_NOTE.note: completions of host requests and unsolicited notifications. */
export const HostNote = {
  LISTEN_DONE: 1,
  /** An active open finished (status OK) or failed (status: CloseReason). */
  CONNECT_DONE: 2,
  /** A passive open finished: a new connection on a listening port. */
  ACCEPTED: 3,
  /** value: bytes accepted into the send queue. */
  SEND_DONE: 4,
  CLOSE_DONE: 5,
  /** The connection failed (status: CloseReason). */
  CONN_ERROR: 6,
  /** The connection's resources are free (after TIME-WAIT, LAST-ACK, a reset or an abort). */
  CONN_FREED: 7,
  UNLISTEN_DONE: 8,
} as const;
export const HostStatus = { OK: 0, ERROR: 1 } as const;

/** TCP flags as in the header's low 9 bits. */
export const Flag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

// ---------------------------------------------------------------------------------------------------------------
// Types derived from the definitions.

type Defs = Record<string, RecordDef>;
type Fields<D extends RecordDef> = { -readonly [F in keyof D['fields']]: number };
type RecordOf<T extends Defs, K extends keyof T> = { kind: K } & Fields<T[K]>;

export type EventKind = keyof typeof EVENT_DEFS;
export type CommandKind = keyof typeof COMMAND_DEFS;
export type FwEvent = { [K in EventKind]: RecordOf<typeof EVENT_DEFS, K> }[EventKind];
export type FwCommand = { [K in CommandKind]: RecordOf<typeof COMMAND_DEFS, K> }[CommandKind];
export type EventOf<K extends EventKind> = Extract<FwEvent, { kind: K }>;
export type CommandOf<K extends CommandKind> = Extract<FwCommand, { kind: K }>;

const defOf = (kind: string): RecordDef => {
  const d = (EVENT_DEFS as Defs)[kind] ?? (COMMAND_DEFS as Defs)[kind];
  if (!d) throw new Error(`firmware api: unknown record kind '${kind}'`);
  return d;
};

function build(kind: string, given: Record<string, number | undefined>): Record<string, number> {
  const def = defOf(kind);
  const out: Record<string, number | string> = { kind };
  for (const [name, width] of Object.entries(def.fields)) {
    const v = given[name] ?? 0;
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** width) {
      throw new RangeError(`${kind}.${name} = ${v} does not fit in ${width} unsigned bits`);
    }
    out[name] = v;
  }
  for (const name of Object.keys(given)) {
    if (!(name in def.fields)) throw new Error(`${kind} has no field '${name}'`);
  }
  return out as Record<string, number>;
}

/** A command; omitted fields are zero, every field is range-checked (a firmware bug fails loudly here). */
export function command<K extends CommandKind>(kind: K, fields: Partial<Omit<CommandOf<K>, 'kind'>>): CommandOf<K> {
  return build(kind, fields as Record<string, number>) as unknown as CommandOf<K>;
}

/** An event; omitted fields are zero, every field is range-checked. */
export function event<K extends EventKind>(kind: K, fields: Partial<Omit<EventOf<K>, 'kind'>>): EventOf<K> {
  return build(kind, fields as Record<string, number>) as unknown as EventOf<K>;
}

// ---------------------------------------------------------------------------------------------------------------
// Bus packing: 128-bit words.

function layoutOf(def: RecordDef): { name: string; word: number; bit: number; width: number }[] {
  const out: { name: string; word: number; bit: number; width: number }[] = [];
  let word = 0, bit = KIND_BITS;
  for (const [name, width] of Object.entries(def.fields)) {
    if (bit + width > BUS_WORD_BITS) { word++; bit = 0; }
    out.push({ name, word, bit, width });
    bit += width;
  }
  return out;
}

/** Where each field of a record lies in the packed words: `offset` counts bits from bit 0 of word 0. */
export function recordLayout(kind: EventKind | CommandKind, space: 'event' | 'command'): { name: string; offset: number; width: number }[] {
  return layoutOf(defIn(kind, space)).map((f) => ({ name: f.name, offset: f.word * BUS_WORD_BITS + f.bit, width: f.width }));
}

/** A record kind's code (bits 5..0 of word 0). */
export const recordCode = (kind: EventKind | CommandKind, space: 'event' | 'command'): number => defIn(kind, space).code;

/** A kind's definition in one space (MAIL is both an event and a command, with different codes). */
function defIn(kind: string, space: 'event' | 'command'): RecordDef {
  const d = (space === 'event' ? EVENT_DEFS as Defs : COMMAND_DEFS as Defs)[kind];
  if (!d) throw new Error(`firmware api: no ${space} kind '${kind}'`);
  return d;
}
export const RECORD_KIND_BITS = KIND_BITS;

/**
 * 32-bit register words a core reads or writes for a record of this kind: up to its last field (the firmware
 * bus's EVENT_DATA / CMD_DATA registers; words past the last field are never touched).
 */
export function recordRegWords(kind: EventKind | CommandKind): number {
  const l = layoutOf(defOf(kind));
  const last = l[l.length - 1];
  return last ? Math.ceil((last.word * BUS_WORD_BITS + last.bit + last.width) / 32) : 1;
}

/** 128-bit words a record of this kind occupies on the firmware bus. */
export function recordWords(kind: EventKind | CommandKind): number {
  const l = layoutOf(defOf(kind));
  return l.length === 0 ? 1 : l[l.length - 1]!.word + 1;
}

/**
 * Bits of one firmware-bus queue entry that holds any record of this space whole: the widest record's words.
 * The TOE's fw_bus instances are built with eventBits / commandBits = these.
 */
export function entryBits(space: 'event' | 'command'): number {
  const kinds = Object.keys(space === 'event' ? EVENT_DEFS : COMMAND_DEFS) as (EventKind | CommandKind)[];
  return Math.max(...kinds.map(recordWords)) * BUS_WORD_BITS;
}

/** Pack an event or command into 128-bit words (bigint), kind code in bits 5..0 of word 0. */
export function packRecord(rec: FwEvent | FwCommand, space: 'event' | 'command'): bigint[] {
  const def = (space === 'event' ? EVENT_DEFS as Defs : COMMAND_DEFS as Defs)[rec.kind]!;
  const words = new Array<bigint>(recordWords(rec.kind)).fill(0n);
  words[0] = BigInt(def.code);
  const r = rec as unknown as Record<string, number>;
  for (const f of layoutOf(def)) words[f.word]! |= BigInt(r[f.name]!) << BigInt(f.bit);
  return words;
}

/** The inverse of packRecord. */
export function unpackRecord(words: readonly bigint[], space: 'event' | 'command'): FwEvent | FwCommand {
  const defs = space === 'event' ? EVENT_DEFS as Defs : COMMAND_DEFS as Defs;
  const code = Number(words[0]! & BigInt((1 << KIND_BITS) - 1));
  const entry = Object.entries(defs).find(([, d]) => d.code === code);
  if (!entry) throw new Error(`firmware bus: unknown ${space} code ${code}`);
  const [kind, def] = entry;
  const out: Record<string, number | string> = { kind };
  for (const f of layoutOf(def)) out[f.name] = Number((words[f.word]! >> BigInt(f.bit)) & ((1n << BigInt(f.width)) - 1n));
  return out as unknown as FwEvent | FwCommand;
}

/** The blocks of a SACK_RCVD event or a SACK_SET command, in order. */
export function sackBlocksOf(rec: EventOf<'SACK_RCVD'> | CommandOf<'SACK_SET'>): { left: number; right: number }[] {
  const r = rec as unknown as Record<string, number>;
  return Array.from({ length: Math.min(rec.count, MAX_SACK_BLOCKS) }, (_, i) => ({ left: r[`left${i}`]!, right: r[`right${i}`]! }));
}
