// Co-simulation of the TOE's firmware bus: every firmware core of the named TOEs gets its own simulator
// instance of the RTL fw_bus (blocks/fw_bus), and the Toe's event/command path for that core goes through it
// (fw-bus-core-runner.ts): the hardware model pushes each packed event into event_valid/ready and takes
// commands from cmd_valid/ready; the firmware pops events and pushes commands over AXI4-Lite with FwBusDriver,
// and the bus cycles are charged to the core.
//
//   const cosim = await FwBusCosim.create(['A', 'B'], { backend: 'verilator' });
//   new Toe(sched, { name: 'A', ..., coreRunner: cosim.coreRunner('A') });
//
// Clocks: the bus runs at busHz, by default the core clock (the core's AXI4-Lite port is synchronous to it,
// as the block requires: it has a single clock domain), so one bus cycle is one core cycle.
import { DEFAULT_COSTS, type CostTable } from '../../firmware/costs.ts';
import type { CoreRunnerFactory } from './core-runner.ts';
import { FwBusCoreRunner } from './fw-bus-core-runner.ts';
import { FwBusPort, type FwBusPortOptions } from './fw-bus-port.ts';

export interface FwBusCosimOptions extends FwBusPortOptions {
  /** Bus clock in Hz; default: each core's own clock. */
  busHz?: number;
}

/** One core's bus figures: measured, and what firmware/costs.ts models for the same traffic. */
export interface FwBusCoreReport {
  core: string;
  events: number;
  commands: number;
  /** Bus cycles (and accesses) per event popped, per command pushed, per 128-bit command word. */
  cyclesPerEvent: number;
  accessesPerEvent: number;
  cyclesPerCommand: number;
  accessesPerCommand: number;
  cyclesPerCommandWord: number;
  /** costs.ts's modelled bus cycles: busAccess x (data words + 2) per event, x (data words + 1) per command (averaged). */
  modelledPerEvent: number;
  modelledPerCommand: number;
  /** Events the hardware had to hold (RTL event queue full) and the most held at once; core cycles waiting on a full command queue. */
  eventsHeld: number;
  maxHeld: number;
  commandWaitCycles: number;
  /** Share of the core's busy cycles spent on the bus. */
  busShare: number;
}

export class FwBusCosim {
  readonly runners: FwBusCoreRunner[] = [];

  static async create(toes: string[], opts: FwBusCosimOptions = {}): Promise<FwBusCosim> {
    const ports = new Map<string, FwBusPort[]>();
    let seed = opts.seed ?? 1;
    for (const t of toes) {
      const pair: FwBusPort[] = [];
      for (let i = 0; i < 2; i++) pair.push(await FwBusPort.create({ ...opts, seed: (seed += 16) }));
      ports.set(t, pair);
    }
    return new FwBusCosim(ports, opts);
  }

  /** `free`: each TOE's bus instances not yet given to a core. */
  private constructor(private readonly free: Map<string, FwBusPort[]>, private readonly opts: FwBusCosimOptions) {}

  /** The ToeConfig.coreRunner for TOE `toe`: its RX and TX cores each take one of its two bus instances. */
  coreRunner(toe: string): CoreRunnerFactory {
    return (spec) => {
      const port = this.free.get(toe)?.shift();
      if (!port) throw new Error(`fw_bus co-simulation: no bus instance left for ${toe}.${spec.role} (create() was given ${[...this.free.keys()].join(', ')})`);
      const r = new FwBusCoreRunner(spec, port, this.opts.busHz ?? spec.hz);
      this.runners.push(r);
      return r;
    };
  }

  runner(name: string): FwBusCoreRunner {
    const r = this.runners.find((x) => x.name === name);
    if (!r) throw new Error(`fw_bus co-simulation: no core ${name}`);
    return r;
  }

  report(costs: CostTable = DEFAULT_COSTS): FwBusCoreReport[] {
    return this.runners.map((r) => {
      const s = r.port.stats;
      const per = (a: number, b: number) => (b > 0 ? a / b : 0);
      return {
        core: r.name, events: s.eventsPopped, commands: s.commandsPushed,
        cyclesPerEvent: per(s.eventCycles, s.eventsPopped), accessesPerEvent: per(s.eventAccesses, s.eventsPopped),
        cyclesPerCommand: per(s.commandCycles, s.commandsPushed), accessesPerCommand: per(s.commandAccesses, s.commandsPushed),
        cyclesPerCommandWord: per(s.commandCycles, s.commandRecordWords),
        modelledPerEvent: per(costs.busAccess * (s.eventRecordWords + 2 * s.eventsPopped), s.eventsPopped),
        modelledPerCommand: per(costs.busAccess * (s.commandRecordWords + s.commandsPushed), s.commandsPushed),
        eventsHeld: s.eventsHeld, maxHeld: s.maxHeld, commandWaitCycles: s.commandWaitCycles,
        busShare: per(r.busCoreCycles, r.stats.cycles),
      };
    });
  }

  private closed = false;

  /** Closes every simulator (once; later calls do nothing). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.runners) r.port.close();
    for (const ps of this.free.values()) for (const p of ps) p.close();
    this.free.clear();
  }
}

/** The report as text lines, one per core. */
export function formatFwBusReport(rows: FwBusCoreReport[]): string {
  const f = (x: number) => x.toFixed(1);
  return rows.map((r) => `${r.core}: ${r.events} events, ${f(r.cyclesPerEvent)} bus cycles (${f(r.accessesPerEvent)} accesses) each ` +
    `vs ${r.modelledPerEvent} modelled; ${r.commands} commands, ${f(r.cyclesPerCommand)} cycles (${f(r.accessesPerCommand)} accesses) each ` +
    `vs ${f(r.modelledPerCommand)} modelled (${f(r.cyclesPerCommandWord)} per 128-bit word); bus ${(r.busShare * 100).toFixed(1)}% of busy cycles; ` +
    `held ${r.eventsHeld} events (max ${r.maxHeld}); waited ${r.commandWaitCycles} cycles on a full command queue`).join('\n');
}
