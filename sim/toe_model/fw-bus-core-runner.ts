// A firmware core whose events and commands go through its RTL firmware bus (fw-bus-port.ts) instead of
// CoreRunner's in-memory FIFO. The same run-to-completion loop: take one event, run its handler, push its
// commands; the hardware executes the commands as they left the RTL (decoded from cmd_data) when the handler
// finishes, and the firmware handles the event as it read it over AXI4-Lite.
//
// Charging: handler[kind] and the handler's own extras (perSegment, perOooEntry) as in CoreRunner, plus the
// measured bus cycles of the pop and of every push (converted from the bus clock to the core clock), instead
// of CoreRunner's modelled `busAccess x (data words + 2 or + 1)` for them.
import type { FwEvent } from '../../firmware/api.ts';
import type { CoreDriver, CoreRunnerSpec, CoreStats } from './core-runner.ts';
import type { FwBusPort } from './fw-bus-port.ts';

export class FwBusCoreRunner implements CoreDriver {
  readonly stats: CoreStats = { events: 0, cycles: 0, busyNs: 0, commands: 0, maxQueue: 0 };
  readonly eventsByKind = new Map<string, number>();
  /** Core cycles spent on the bus (pops and pushes, at the core clock). */
  busCoreCycles = 0;
  private busy = false;

  constructor(private readonly spec: CoreRunnerSpec, readonly port: FwBusPort, readonly busHz: number) {}

  get firmware() { return this.spec.firmware; }
  get name(): string { return `${this.spec.toe}.${this.spec.role}`; }

  post(ev: FwEvent): void {
    this.port.offer(ev);
    this.stats.maxQueue = Math.max(this.stats.maxQueue, this.port.eventsWaiting);
    this.kick();
  }

  get queued(): number { return this.port.eventsWaiting; }
  get idle(): boolean { return !this.busy && this.port.eventsWaiting === 0; }

  utilisation(elapsedNs: number): number { return elapsedNs > 0 ? this.stats.busyNs / elapsedNs : 0; }

  private kick(): void {
    if (this.busy || !this.port.eventForCore()) return;
    const { sched, firmware, costs, hz } = this.spec;
    const port = this.port, ps = port.stats;
    const startCycle = port.sim.cycle;
    const bus0 = ps.eventCycles + ps.commandCycles;
    const ev = port.popEvent();
    if (!ev) return; // irq without an event cannot happen (EVENT_COUNT never lags irq); nothing to do
    this.busy = true;
    this.spec.onDequeue(ev);
    let cycles = costs.handler[ev.kind];
    let commands = 0;
    const startUs = sched.now / 1000;
    firmware.handle(ev, {
      now: () => startUs,
      issue: (cmd) => { port.pushCommand(cmd); commands++; },
      charge: (n) => { cycles += n; },
    });
    const busCycles = ps.eventCycles + ps.commandCycles - bus0;
    const busCore = busCycles * (hz / this.busHz);
    cycles += busCore;
    this.busCoreCycles += busCore;
    // The hardware takes the commands off cmd_valid (at once, unless it applies backpressure).
    port.drainCommands();
    const drainedNs = ((port.sim.cycle - startCycle) / this.busHz) * 1e9;
    const ns = Math.max((cycles / hz) * 1e9, drainedNs);
    this.stats.events++;
    this.stats.cycles += cycles;
    this.stats.busyNs += (cycles / hz) * 1e9;
    this.stats.commands += commands;
    this.eventsByKind.set(ev.kind, (this.eventsByKind.get(ev.kind) ?? 0) + 1);
    sched.after(ns, () => {
      for (const c of port.takeCommands()) this.spec.exec(c);
      this.busy = false;
      this.kick();
    });
  }
}
