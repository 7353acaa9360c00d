// The host interface's memory and register layouts, each defined once. The RTL generators slice and pack these
// fields with DSL ops (layout-rtl.ts); the host model and the firmware encode and decode bytes with the same
// definitions (layout-codec.ts). Every multi-byte field is little-endian, as on x86 and in Corundum.
//
// Field offsets and widths are in bits from bit 0 of byte 0, so a field may be a single flag bit.

export interface FieldDef<N extends string = string> {
  readonly name: N;
  /** Bit offset from bit 0 of byte 0. */
  readonly offset: number;
  /** Width in bits. */
  readonly width: number;
}

export interface Layout<N extends string = string> {
  readonly name: string;
  /** Size in bytes. */
  readonly bytes: number;
  readonly fields: readonly FieldDef<N>[];
}

/** The field names of a layout. */
export type FieldName<L> = L extends Layout<infer N> ? N : never;

/** Defines a layout, checking that fields fit and do not overlap. */
export function layout<const F extends readonly FieldDef[]>(name: string, bytes: number, fields: F): Layout<F[number]['name']> {
  const used = new Array<string | undefined>(bytes * 8);
  const names = new Set<string>();
  for (const f of fields) {
    if (names.has(f.name)) throw new Error(`layout ${name}: field '${f.name}' defined twice`);
    names.add(f.name);
    if (!Number.isInteger(f.offset) || !Number.isInteger(f.width) || f.width < 1 || f.offset < 0 || f.offset + f.width > bytes * 8) {
      throw new Error(`layout ${name}: field '${f.name}' (bits ${f.offset}+${f.width}) does not fit in ${bytes} bytes`);
    }
    for (let b = f.offset; b < f.offset + f.width; b++) {
      if (used[b]) throw new Error(`layout ${name}: fields '${used[b]}' and '${f.name}' overlap at bit ${b}`);
      used[b] = f.name;
    }
  }
  return { name, bytes, fields };
}

/** A field of `width` bits at byte `byte` (plus `bit`). */
const at = <N extends string>(name: N, byte: number, width: number, bit = 0): FieldDef<N> => ({ name, offset: byte * 8 + bit, width });

// ---------------------------------------------------------------------------------------------------------------
// Descriptors: 16 bytes each, in host-memory rings written by the host and fetched by the NIC.

/** TX: send `len` bytes from the user's buffer at `addr` on connection `conn` (zero-copy: DMA'd from there). */
export const TxDesc = layout('tx_desc', 16, [
  at('addr', 0, 64),
  at('len', 8, 32),
  at('conn', 12, 16),
  at('flags', 14, 8), // TxFlags
]);

/** TX descriptor flags. MORE chains the next descriptor's buffer onto this send (gather). */
export const TxFlags = { MORE: 1, PSH: 2, FIN: 4 } as const;

/** RX: a posted user buffer of `len` bytes at `addr`; received payload is DMA'd straight into it. */
export const RxDesc = layout('rx_desc', 16, [
  at('addr', 0, 64),
  at('len', 8, 32),
]);

/** A control command for the firmware (listen, connect, close, ...), passed through to the NIC side unchanged. */
export const CmdDesc = layout('cmd_desc', 16, [
  at('opcode', 0, 8),
  at('flags', 1, 8),
  at('conn', 2, 16),
  at('localPort', 4, 16),
  at('remotePort', 6, 16),
  at('remoteAddr', 8, 32),
  at('param', 12, 32),
]);

export const CmdOpcode = { LISTEN: 1, CONNECT: 2, CLOSE: 3, ABORT: 4, UNLISTEN: 5 } as const;

// ---------------------------------------------------------------------------------------------------------------
// Completions: 16 bytes, written by the NIC into the completion ring. The host sees a new entry when its phase
// bit differs from the previous lap's (the first lap writes phase 1 over a zeroed ring).

export const Cpl = layout('cpl', 16, [
  at('kind', 0, 8), // CplKind
  at('status', 1, 8), // CplStatus
  at('ring', 2, 8), // RingId the answered descriptor came from
  at('flags', 3, 8), // CplFlags
  at('index', 4, 16), // ring index of the answered descriptor (for ERROR/OVERRUN: the rejected producer index)
  at('conn', 6, 16),
  at('len', 8, 32), // bytes moved
  at('csum', 12, 16), // ones'-complement sum of the bytes moved, as if they began at an even offset
  at('phase', 15, 1, 7),
]);

export const CplKind = { TX: 1, RX: 2, CMD: 3, ERROR: 4, NOTE: 5 } as const;
export const CplStatus = {
  OK: 0, SLVERR: 2, DECERR: 3, ZERO_LEN: 4, OUT_OF_RANGE: 5, OVERRUN: 6, FETCH_ERROR: 7, BAD_OPCODE: 8,
} as const;
/**
 * Completion flags. MORE: the received payload continues in the next RX buffer. FIN (RX completions only, len 0,
 * no buffer consumed, index 0): the peer's FIN; every byte of the connection before it has been delivered.
 */
export const CplFlags = { MORE: 1, FIN: 2 } as const;

/**
 * A NOTE completion (kind NOTE): the firmware's HOST_NOTE (firmware/api.ts HostNote), in the same 16 bytes and
 * with the same kind byte and phase bit as every completion. `arg` is HOST_NOTE.value for SEND_DONE (bytes sent)
 * and HOST_NOTE.remote_ip for every other note (the two never both matter). It uses only bytes the Cpl layout
 * covers, so the completion writer carries it as an ordinary completion (blocks/host_glue/note-cpl.ts).
 */
export const NoteCpl = layout('note_cpl', 16, [
  at('kind', 0, 8), // CplKind.NOTE
  at('note', 1, 4), // HostNote
  at('status', 1, 4, 4), // HostStatus or CloseReason
  at('req', 2, 16),
  at('conn', 4, 16),
  at('localPort', 6, 16),
  at('arg', 8, 32),
  at('remotePort', 12, 16),
  at('phase', 15, 1, 7),
]);

/** The rings, by the index they have in the register map and in completions. */
export const RingId = { TX: 0, RX: 1, CMD: 2, CPL: 3 } as const;

// ---------------------------------------------------------------------------------------------------------------
// AXI4-Lite registers: 32-bit, byte addresses. Each ring has a block of five registers at RING_BASE + 0x20 * ring.

export type RegAccess = 'ro' | 'rw' | 'w1c';
export interface RegDef<N extends string = string> { readonly name: N; readonly offset: number; readonly access: RegAccess }

export const REG_ADDR_BITS = 8;
export const RING_BLOCK = 0x20;
export const RING_BASE = 0x20;

export const Regs = [
  { name: 'ID', offset: 0x00, access: 'ro' }, // HOST_IF_ID
  { name: 'CTRL', offset: 0x04, access: 'rw' }, // CtrlBits
  { name: 'STATUS', offset: 0x08, access: 'w1c' }, // StatusBits
  { name: 'IRQ_COUNT', offset: 0x0c, access: 'rw' }, // interrupt after this many completions (0 counts as 1)
  { name: 'IRQ_TIME', offset: 0x10, access: 'rw' }, // ... or this many cycles after the first uncounted one
  { name: 'IRQ_PENDING', offset: 0x14, access: 'ro' }, // completions written since the last interrupt
] as const satisfies readonly RegDef[];

export const RingRegs = [
  { name: 'BASE_LO', offset: 0x00, access: 'rw' },
  { name: 'BASE_HI', offset: 0x04, access: 'rw' },
  { name: 'LOG_SIZE', offset: 0x08, access: 'rw' }, // ring of 2^LOG_SIZE entries, 0..15
  { name: 'PROD', offset: 0x0c, access: 'rw' }, // TX/RX/CMD: the doorbell. CPL: read-only
  { name: 'CONS', offset: 0x10, access: 'rw' }, // TX/RX/CMD: read-only (fetched). CPL: written by the host
] as const satisfies readonly RegDef[];

/** Byte address of a register, or of a ring register. */
export function regAddr(name: (typeof Regs)[number]['name']): number;
export function regAddr(name: (typeof RingRegs)[number]['name'], ring: number): number;
export function regAddr(name: string, ring?: number): number {
  if (ring === undefined) return Regs.find((r) => r.name === name)!.offset;
  return RING_BASE + RING_BLOCK * ring + RingRegs.find((r) => r.name === name)!.offset;
}

export const HOST_IF_ID = 0x544f4548; // 'TOEH'

export const CtrlBits = layout('ctrl', 4, [
  at('enable', 0, 1), // 0 holds every ring pointer at zero
  at('irqArm', 0, 1, 1), // write 1 to arm the interrupt; reads whether it is armed
]);

/** Sticky error bits; write 1 to clear. */
export const StatusBits = layout('status', 4, [
  at('txOverrun', 0, 1, 0), // a TX doorbell claimed more entries than the ring holds (ignored)
  at('rxOverrun', 0, 1, 1),
  at('cmdOverrun', 0, 1, 2),
  at('cplOverrun', 0, 1, 3), // a completion-ring CONS write passed the producer (ignored)
  at('fetchError', 0, 1, 4), // a descriptor read answered SLVERR/DECERR
  at('cplWriteError', 0, 1, 5), // a completion write answered SLVERR/DECERR
  at('descError', 0, 1, 6), // a zero-length or out-of-range TX/RX descriptor
  at('overrunDropped', 0, 1, 7), // an overrun's error completion was dropped (its queue was full)
  at('dmaError', 0, 1, 8), // a completion from the NIC side reports SLVERR/DECERR (a payload DMA failed)
]);

/** Ring indices are 16-bit free-running counters; a ring holds at most 2^15 entries. */
export const INDEX_BITS = 16;
export const MAX_LOG_SIZE = 15;
