// Modelled core cycles per firmware handler: the one table to change when the firmware is profiled on a real
// soft core. A handler is charged DISPATCH + its entry below + the firmware-bus accesses it makes + whatever
// extra it charges for loops (per segment sent, per out-of-order entry walked). Bus accesses follow the RTL
// fw_bus register map: an event costs EVENT_COUNT + its 32-bit EVENT_DATA words + EVENT_POP, a command its
// CMD_DATA words + CMD_PUSH, each BUS_ACCESS cycles (2 on the RTL at the core clock, as measured by the
// co-simulation in sim/toe_model/fw-bus-cosim.ts).
// The figures are estimates for a 32-bit in-order RISC core with single-cycle local memory (a MicroBlaze or
// VexRiscv class core): a few dozen instructions per decision, TCB reads from dual-port BRAM.
import type { EventKind } from './api.ts';

export const DEFAULT_CORE_HZ = 300e6;

export interface CostTable {
  /** Branching on the event's kind (the bus reads are busAccess). */
  dispatch: number;
  /** Core cycles per 32-bit firmware-bus access (register read or write). */
  busAccess: number;
  /** Per event kind. */
  handler: Record<EventKind, number>;
  /** TX core: building one TX_SEG decision (window arithmetic, Nagle, RTT timing). */
  perSegment: number;
  /** RX core: looking at one held out-of-order entry. */
  perOooEntry: number;
}

export const DEFAULT_COSTS: CostTable = {
  dispatch: 4,
  busAccess: 2,
  handler: {
    SEG_NOCONN: 150, // listener lookup, option negotiation, ISS, TCB set-up
    SEG: 90, // state machine step
    WND_OPEN: 30,
    ACK: 70, // NewReno, RTT sample, RTO restart
    SACK_RCVD: 20, // plus perOooEntry per block and scoreboard entry
    COPY_DONE: 40,
    MEM_AVAILABLE: 30,
    TIMER: 60,
    MAIL: 30,
    HOST_LISTEN: 40,
    HOST_CONNECT: 150,
    HOST_SEND: 40,
    HOST_CLOSE: 50,
    HOST_ABORT: 50,
    HOST_UNLISTEN: 30,
  },
  perSegment: 40,
  perOooEntry: 12,
};

/** A cost table with some entries replaced. */
export function costsWith(over: Partial<Omit<CostTable, 'handler'>> & { handler?: Partial<CostTable['handler']> }): CostTable {
  return { ...DEFAULT_COSTS, ...over, handler: { ...DEFAULT_COSTS.handler, ...over.handler } };
}
