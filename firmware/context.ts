// What a firmware core sees of the world: the time, its command FIFO, and a cycle meter.
import type { FwCommand, FwEvent } from './api.ts';

export interface CoreContext {
  /** Microseconds since reset (the core's timer CSR). */
  now(): number;
  /** Push a command into this core's command FIFO (executed by the hardware in order). */
  issue(cmd: FwCommand): void;
  /** Charge extra modelled cycles (loops whose length depends on the data). */
  charge(cycles: number): void;
}

/** A firmware core: one handler per event, run to completion (no scheduler, no preemption). */
export interface FirmwareCore {
  readonly name: string;
  handle(ev: FwEvent, ctx: CoreContext): void;
}
