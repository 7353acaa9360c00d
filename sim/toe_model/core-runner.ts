// Runs one firmware core: its event FIFO, one handler at a time to completion, charged in modelled cycles; the
// commands the handler issued reach the hardware when it finishes. Busy time over elapsed time = utilisation.
import { recordRegWords, type FwCommand, type FwEvent } from '../../firmware/api.ts';
import type { FirmwareCore } from '../../firmware/context.ts';
import type { CostTable } from '../../firmware/costs.ts';
import type { Scheduler } from './scheduler.ts';

export interface CoreStats { events: number; cycles: number; busyNs: number; commands: number; maxQueue: number }

/**
 * What the Toe needs of a core runner. CoreRunner (below) is the default: an in-memory event FIFO and commands
 * handed straight to the hardware. A ToeConfig.coreRunner factory may swap in another path, e.g.
 * fw-bus-cosim.ts, where events and commands go through an RTL firmware bus.
 */
export interface CoreDriver {
  readonly firmware: FirmwareCore;
  readonly stats: CoreStats;
  readonly eventsByKind: Map<string, number>;
  readonly queued: number;
  readonly idle: boolean;
  post(ev: FwEvent): void;
  utilisation(elapsedNs: number): number;
}

/** Everything a core runner is built from (the CoreRunner constructor's arguments, plus which core it is). */
export interface CoreRunnerSpec {
  toe: string;
  role: 'rx' | 'tx';
  sched: Scheduler;
  firmware: FirmwareCore;
  hz: number;
  costs: CostTable;
  exec: (cmd: FwCommand) => void;
  onDequeue: (ev: FwEvent) => void;
}

export type CoreRunnerFactory = (spec: CoreRunnerSpec) => CoreDriver;

export class CoreRunner implements CoreDriver {
  private readonly queue: FwEvent[] = [];
  private busy = false;
  readonly stats: CoreStats = { events: 0, cycles: 0, busyNs: 0, commands: 0, maxQueue: 0 };
  readonly eventsByKind = new Map<string, number>();

  constructor(
    private readonly sched: Scheduler,
    readonly firmware: FirmwareCore,
    private readonly hz: number,
    private readonly costs: CostTable,
    /** Execute one command in the hardware. */
    private readonly exec: (cmd: FwCommand) => void,
    /** Called as the core takes an event from its FIFO (the hardware's read pointer moves). */
    private readonly onDequeue: (ev: FwEvent) => void,
  ) {}

  post(ev: FwEvent): void {
    this.queue.push(ev);
    this.stats.maxQueue = Math.max(this.stats.maxQueue, this.queue.length);
    if (!this.busy) this.startNext();
  }

  get queued(): number { return this.queue.length; }
  get idle(): boolean { return !this.busy && this.queue.length === 0; }

  utilisation(elapsedNs: number): number { return elapsedNs > 0 ? this.stats.busyNs / elapsedNs : 0; }

  private startNext(): void {
    const ev = this.queue.shift();
    if (!ev) return;
    this.busy = true;
    this.onDequeue(ev);
    const cmds: FwCommand[] = [];
    // EVENT_COUNT, the event's data words, EVENT_POP; then per command its data words and CMD_PUSH.
    let cycles = this.costs.dispatch + this.costs.busAccess * (recordRegWords(ev.kind) + 2) + this.costs.handler[ev.kind];
    const startUs = this.sched.now / 1000;
    this.firmware.handle(ev, {
      now: () => startUs,
      issue: (cmd) => { cmds.push(cmd); cycles += this.costs.busAccess * (recordRegWords(cmd.kind) + 1); },
      charge: (n) => { cycles += n; },
    });
    const ns = (cycles / this.hz) * 1e9;
    this.stats.events++;
    this.stats.cycles += cycles;
    this.stats.busyNs += ns;
    this.stats.commands += cmds.length;
    this.eventsByKind.set(ev.kind, (this.eventsByKind.get(ev.kind) ?? 0) + 1);
    this.sched.after(ns, () => {
      for (const c of cmds) this.exec(c);
      this.busy = false;
      this.startNext();
    });
  }
}
