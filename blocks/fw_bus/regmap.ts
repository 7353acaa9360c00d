// The firmware bus's register map, defined once: the RTL decodes from it (fw-bus.ts), the TS driver
// (sim/fw_bus/) addresses registers through it, and render-registers.ts turns it into REGISTERS.md.
// 32-bit registers at byte addresses on a 16-bit AXI4-Lite address space.

/**
 * How the core may access a register.
 * - ro: reads return the value; a write is refused (SLVERR, STATUS.accessError).
 * - rw: reads and writes; each byte lane is written only when its wstrb bit is set.
 * - wo: a trigger: a write acts (it needs all four strobes, else SLVERR); a read is refused (SLVERR, reads 0).
 * - w1c: reads the value; a 1 written to a sticky bit (in a strobed byte lane) clears it.
 * - window: forwarded to the window port (see README.md).
 */
export type RegAccess = 'ro' | 'rw' | 'wo' | 'w1c' | 'window';

export interface FieldSpec {
  readonly name: string;
  /** Least significant bit. */
  readonly lsb: number;
  readonly width: number;
  /** 'w1c' bits are sticky errors; 'ro' bits show live state. */
  readonly access: 'ro' | 'rw' | 'w1c';
  readonly reset?: number;
  readonly description: string;
}

export interface RegSpec {
  readonly name: string;
  /** Byte offset of the register (of element 0 for an array). */
  readonly offset: number;
  readonly access: RegAccess;
  /** Elements of an array of consecutive words (default 1). Unimplemented elements decode as unmapped. */
  readonly count?: number;
  readonly description: string;
  readonly fields?: readonly FieldSpec[];
}

/** AXI4-Lite address bits: 64 KiB, registers in the lower half, the window in the upper half. */
export const ADDR_BITS = 16;
/** The first byte address of the TCB/CSR window. */
export const WINDOW_BASE = 0x8000;
/** Words in the window: the window port's address is a word index of this many bits. */
export const WINDOW_ADDR_BITS = 13;
/** Events and commands have at most this many 32-bit words (512 bits). */
export const MAX_WORDS = 16;
/** Bits of the tag that pairs a window response with its request. */
export const WINDOW_TAG_BITS = 4;

export const FW_BUS_ID = 0x544f4546; // 'TOEF'
export const FW_BUS_VERSION = 0x0001_0000; // 1.0

export const AxiResp = { OKAY: 0, SLVERR: 2, DECERR: 3 } as const;

export const ConfigFields = [
  { name: 'eventWords', lsb: 0, width: 8, access: 'ro', description: 'EVENT_DATA words per event: ceil(eventBits / 32)' },
  { name: 'commandWords', lsb: 8, width: 8, access: 'ro', description: 'CMD_DATA words per command: ceil(commandBits / 32)' },
  { name: 'eventDepthLog2', lsb: 16, width: 8, access: 'ro', description: 'the event queue holds 2^n events' },
  { name: 'commandDepthLog2', lsb: 24, width: 8, access: 'ro', description: 'the command queue holds 2^n commands' },
] as const satisfies readonly FieldSpec[];

export const StatusFields = [
  { name: 'cmdRefused', lsb: 0, width: 1, access: 'w1c', description: 'a CMD_PUSH found the command queue full (refused, SLVERR)' },
  { name: 'emptyPop', lsb: 1, width: 1, access: 'w1c', description: 'an EVENT_POP found no event (ignored, SLVERR)' },
  { name: 'decodeError', lsb: 2, width: 1, access: 'w1c', description: 'an access to an unmapped address (DECERR)' },
  { name: 'accessError', lsb: 3, width: 1, access: 'w1c', description: 'a write to a read-only register, a read of a write-only one, or a trigger written with a partial wstrb (SLVERR, no effect)' },
  { name: 'windowTimeout', lsb: 4, width: 1, access: 'w1c', description: 'a window access got no response in time (SLVERR)' },
  { name: 'windowError', lsb: 5, width: 1, access: 'w1c', description: 'the window port answered with err (SLVERR)' },
  { name: 'lateResponse', lsb: 6, width: 1, access: 'w1c', description: 'a window response arrived with a stale tag or unasked (discarded)' },
  { name: 'eventPending', lsb: 16, width: 1, access: 'ro', description: 'at least one event is waiting (EVENT_COUNT > 0)' },
  { name: 'eventFull', lsb: 17, width: 1, access: 'ro', description: 'the event queue is full: the hardware side is held off' },
  { name: 'cmdFull', lsb: 18, width: 1, access: 'ro', description: 'the command queue is full (CMD_SPACE = 0)' },
] as const satisfies readonly FieldSpec[];

export const IrqEnableFields = [
  { name: 'events', lsb: 0, width: 1, access: 'rw', reset: 1, description: 'irq is high while an event is pending' },
  { name: 'errors', lsb: 1, width: 1, access: 'rw', reset: 0, description: 'irq is high while any sticky STATUS bit is set' },
] as const satisfies readonly FieldSpec[];

export const REGISTERS = [
  { name: 'ID', offset: 0x000, access: 'ro', description: `0x${FW_BUS_ID.toString(16).toUpperCase()} ('TOEF'): identifies the firmware bus` },
  { name: 'VERSION', offset: 0x004, access: 'ro', description: 'register map version: major in bits 31:16, minor in 15:0 (this map: 1.0)' },
  { name: 'CONFIG', offset: 0x008, access: 'ro', description: 'the instance\'s parameters', fields: ConfigFields },
  { name: 'STATUS', offset: 0x00c, access: 'w1c', description: 'sticky error bits (write 1 to clear) and live queue state', fields: StatusFields },
  { name: 'IRQ_ENABLE', offset: 0x010, access: 'rw', description: 'what drives the irq output', fields: IrqEnableFields },
  { name: 'EVENT_COUNT', offset: 0x020, access: 'ro', description: 'events waiting, the head included' },
  { name: 'EVENT_POP', offset: 0x024, access: 'wo', description: 'write (any value) to remove the head event; with none waiting: SLVERR, STATUS.emptyPop, EMPTY_POPS' },
  { name: 'CMD_SPACE', offset: 0x028, access: 'ro', description: 'free entries in the command queue' },
  { name: 'CMD_PUSH', offset: 0x02c, access: 'wo', description: 'write (any value) to queue CMD_DATA as a command; when full: refused, SLVERR, STATUS.cmdRefused, PUSHES_REFUSED' },
  { name: 'EVENT_DATA', offset: 0x040, access: 'ro', count: MAX_WORDS, description: 'the head event, word i = bits 32i+31..32i (reads 0 when no event waits); words beyond CONFIG.eventWords are unmapped' },
  { name: 'CMD_DATA', offset: 0x080, access: 'rw', count: MAX_WORDS, description: 'the command to push, word i = bits 32i+31..32i; kept after a push, so only changed words need writing; words beyond CONFIG.commandWords are unmapped' },
  { name: 'EVENTS_POPPED', offset: 0x100, access: 'ro', description: 'events removed by EVENT_POP (wraps)' },
  { name: 'COMMANDS_PUSHED', offset: 0x104, access: 'ro', description: 'commands queued by CMD_PUSH (wraps)' },
  { name: 'PUSHES_REFUSED', offset: 0x108, access: 'ro', description: 'CMD_PUSH writes refused because the queue was full (wraps)' },
  { name: 'EMPTY_POPS', offset: 0x10c, access: 'ro', description: 'EVENT_POP writes with no event waiting (wraps)' },
  { name: 'BAD_ACCESSES', offset: 0x110, access: 'ro', description: 'accesses answered DECERR (unmapped) or SLVERR for misuse (accessError) (wraps)' },
  { name: 'WINDOW_TIMEOUTS', offset: 0x114, access: 'ro', description: 'window accesses that timed out (wraps)' },
  { name: 'WINDOW', offset: WINDOW_BASE, access: 'window', count: 1 << WINDOW_ADDR_BITS, description: 'the TCB/CSR window: forwarded to the win_req/win_resp port as word index (addr - 0x8000) / 4; the AXI response waits for win_resp or the timeout' },
] as const satisfies readonly RegSpec[];

export type RegName = (typeof REGISTERS)[number]['name'];

export function regSpec(name: RegName): RegSpec {
  return REGISTERS.find((r) => r.name === name)!;
}

/** Byte address of a register, or of element `index` of an array. */
export function regAddr(name: RegName, index = 0): number {
  const r: RegSpec = regSpec(name);
  const count = r.count ?? 1;
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new Error(`${name}[${index}]: index out of range 0..${count - 1}`);
  return r.offset + 4 * index;
}

/** A field's value in a register word. */
export function fieldOf(fields: readonly FieldSpec[], name: string, word: number): number {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field '${name}'`);
  return Math.floor(word / 2 ** f.lsb) % 2 ** f.width;
}

/** A register value with the named fields set. */
export function fieldsValue(fields: readonly FieldSpec[], values: Record<string, number>): number {
  let v = 0;
  for (const [k, x] of Object.entries(values)) {
    const f = fields.find((y) => y.name === k);
    if (!f) throw new Error(`no field '${k}'`);
    v += (x % 2 ** f.width) * 2 ** f.lsb;
  }
  return v >>> 0;
}

/** The sticky (write-1-to-clear) bits of STATUS as a mask. */
export const STATUS_STICKY_MASK = StatusFields.filter((f) => f.access === 'w1c').reduce((m, f) => m | (1 << f.lsb), 0);

/** 32-bit words that carry `bits`. */
export const wordsFor = (bits: number): number => Math.ceil(bits / 32);

/** Throws unless every register is word-aligned, inside its half of the address space, and overlaps none. */
export function checkRegisterMap(regs: readonly RegSpec[]): void {
  const spans = regs.map((r) => ({ r, lo: r.offset, hi: r.offset + 4 * (r.count ?? 1) }));
  for (const { r, lo, hi } of spans) {
    if (lo % 4 !== 0) throw new Error(`register ${r.name}: offset 0x${lo.toString(16)} is not word-aligned`);
    const inWindow = r.access === 'window';
    if (inWindow ? lo !== WINDOW_BASE || hi !== 1 << ADDR_BITS : hi > WINDOW_BASE) throw new Error(`register ${r.name}: outside its address range`);
    for (const f of r.fields ?? []) if (f.lsb + f.width > 32) throw new Error(`${r.name}.${f.name} does not fit in 32 bits`);
  }
  for (const { r, lo, hi } of spans) {
    for (const o of spans) if (o.r !== r && lo < o.hi && o.lo < hi) throw new Error(`registers ${r.name} and ${o.r.name} overlap`);
  }
  if (new Set(regs.map((x) => x.name)).size !== regs.length) throw new Error('register names must be unique');
}
checkRegisterMap(REGISTERS);
