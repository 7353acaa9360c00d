// The TOE's own configuration and status registers (host AXI4-Lite, and read-only through each core's fw_bus
// TCB/CSR window), defined once: toe-csr.ts decodes from this list, the tests and the README table use it.

export interface CsrReg {
  name: string;
  /** Byte address in the TOE CSR space. */
  addr: number;
  /** rw: written by the host; ro: a constant or a live value. */
  access: 'rw' | 'ro';
  /** A write also raises a one-cycle `<name>_written` output (a register that triggers an action). */
  pulse?: boolean;
  width: number;
  reset: number;
  doc: string;
}

export const TOE_CSR_ID = 0x544f4531; // 'TOE1'
export const CSR_ADDR_BITS = 12;

export const CSR_REGS = [
  { name: 'ID', addr: 0x000, access: 'ro', width: 32, reset: TOE_CSR_ID, doc: "'TOE1'" },
  { name: 'MAC_LO', addr: 0x010, access: 'rw', width: 32, reset: 0, doc: 'the TOE\'s MAC, bytes 2..5 (byte 5 = the last on the wire, bits 7:0)' },
  { name: 'MAC_HI', addr: 0x014, access: 'rw', width: 16, reset: 0, doc: 'the TOE\'s MAC, bytes 0..1 (byte 0 = the first on the wire, bits 15:8)' },
  { name: 'IP', addr: 0x018, access: 'rw', width: 32, reset: 0, doc: 'the TOE\'s IPv4 address (10.0.0.1 = 0x0a000001)' },
  { name: 'TICK_CYCLES', addr: 0x020, access: 'rw', width: 24, reset: 156, doc: 'clock cycles per microsecond tick of the TCP timers (156 at 156.25 MHz)' },
  { name: 'DELACK_CYCLES', addr: 0x024, access: 'rw', width: 32, reset: 31_250, doc: 'delayed-ACK timeout in cycles (200 µs at 156.25 MHz)' },
  { name: 'CHAL_INTERVAL', addr: 0x028, access: 'rw', width: 32, reset: 1_562_500, doc: 'challenge-ACK window in cycles (RFC 5961 §7; 10 ms at 156.25 MHz)' },
  { name: 'CHAL_LIMIT', addr: 0x02c, access: 'rw', width: 16, reset: 100, doc: 'challenge ACKs per window, all connections together' },
  { name: 'NEIGH_IP', addr: 0x040, access: 'rw', width: 32, reset: 0, doc: 'a static neighbour: its IPv4 address' },
  { name: 'NEIGH_MAC_LO', addr: 0x044, access: 'rw', width: 32, reset: 0, doc: 'a static neighbour: MAC bytes 2..5' },
  { name: 'NEIGH_MAC_HI', addr: 0x048, access: 'rw', width: 16, reset: 0, pulse: true, doc: 'a static neighbour: MAC bytes 0..1; the write enters NEIGH_IP -> MAC into the neighbour table (as if learned from a frame)' },
] as const satisfies readonly CsrReg[];

export type CsrName = (typeof CSR_REGS)[number]['name'];
export type RwCsrName = Extract<(typeof CSR_REGS)[number], { access: 'rw' }>['name'];

/** Counters start here, one 32-bit word each in the order the design lists them. */
export const COUNTER_BASE = 0x100;

export const csrAddr = (name: CsrName): number => CSR_REGS.find((r) => r.name === name)!.addr;
export const counterAddr = (index: number): number => COUNTER_BASE + 4 * index;
