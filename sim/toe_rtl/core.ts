// A firmware core (firmware/rx-core.ts or tx-core.ts) attached to one of toe_top's firmware buses, as a soft core
// would be: it waits for the bus's irq, reads EVENT_COUNT and the event's words over AXI4-Lite, pops it, runs its
// handler to completion, spends the handler's modelled cycles, and pushes the handler's commands (CMD_DATA words
// that changed, then CMD_PUSH; a refused push is retried). Non-blocking: a harness Agent whose program is a
// generator that yields each bus access and each compute wait, so both cores, the host and the MACs all run in the
// same simulated time.
//
// Clocks: the bus runs at the TOE clock (busHz); the core's handler cycles are at coreHz (300 MHz by default, as
// the paper's prototypes) and converted. The firmware's clock (ctx.now) is the simulation time in microseconds.
import type { Agent, Sim } from '../harness.ts';
import { AxiLiteMaster, type MmioOp } from '../host/axil-master.ts';
import { recordRegWords, type FwCommand, type FwEvent } from '../../firmware/api.ts';
import type { FirmwareCore } from '../../firmware/context.ts';
import { DEFAULT_CORE_HZ, DEFAULT_COSTS, type CostTable } from '../../firmware/costs.ts';
import { AxiResp, regAddr } from '../../blocks/fw_bus/regmap.ts';
import { entryOfCommand, eventOfEntry } from './records.ts';

export interface RtlCoreOptions {
  /** The TOE clock (the bus's), Hz: 156.25 MHz for 64 bits at 10 GbE. */
  busHz: number;
  coreHz?: number;
  costs?: CostTable;
  /** Called with every event the core handles and the commands it issued (traces, tests). */
  onEvent?: (ev: FwEvent, cmds: FwCommand[]) => void;
}

export interface RtlCoreStats {
  events: number;
  commands: number;
  /** Bus cycles spent on accesses, and on handler compute. */
  busCycles: number;
  computeCycles: number;
  /** Pushes refused (queue full) and retried. */
  refusedPushes: number;
  eventsByKind: Map<string, number>;
}

/** What the program waits for: a bus access, a number of cycles, or (sleep) the bus's irq. */
type Step = MmioOp | { wait: number } | { sleep: true };

export class RtlCore implements Agent {
  readonly stats: RtlCoreStats = { events: 0, commands: 0, busCycles: 0, computeCycles: 0, refusedPushes: 0, eventsByKind: new Map() };
  private readonly bus: AxiLiteMaster;
  private readonly program: Generator<Step, void, void>;
  private current: Step | undefined;
  private waitUntil = 0;
  private opStart = 0;
  /** The core is inside a handler (reading, computing or pushing), not waiting for an event. */
  busy = false;
  /** The last error a handler threw: the core stops (a firmware bug must fail the test, not hang it). */
  error: unknown;
  private readonly staged: (number | undefined)[] = [];
  private readonly costs: CostTable;
  private readonly coreHz: number;

  constructor(readonly sim: Sim<unknown>, readonly prefix: string, readonly firmware: FirmwareCore, private readonly opts: RtlCoreOptions) {
    this.bus = new AxiLiteMaster(sim, prefix);
    this.costs = opts.costs ?? DEFAULT_COSTS;
    this.coreHz = opts.coreHz ?? DEFAULT_CORE_HZ;
    this.program = this.run();
    sim.addAgent(this);
  }

  /** True while no event waits and the core is not in a handler. */
  get idle(): boolean { return !this.busy && Number(this.sim.peek(`${this.prefix}_irq` as never)) === 0; }

  /** Share of the elapsed cycles the core was busy (bus accesses + compute). */
  utilisation(cycles: number): number { return cycles > 0 ? (this.stats.busCycles + this.stats.computeCycles) / cycles : 0; }

  sample(): void {
    if (this.error) return;
    const c = this.current;
    if (c && 'kind' in c) {
      if (!c.done) return;
      if (this.busy) this.stats.busCycles += this.sim.cycle - this.opStart;
    } else if (c && 'wait' in c) {
      if (this.sim.cycle < this.waitUntil) return;
    } else if (c && Number(this.sim.peek(`${this.prefix}_irq` as never)) === 0) return; // asleep until an event
    try {
      const next = this.program.next();
      this.current = next.done ? undefined : next.value;
    } catch (e) {
      this.error = e;
      this.current = undefined;
      return;
    }
    if (this.current && 'wait' in this.current) {
      this.stats.computeCycles += this.current.wait;
      this.waitUntil = this.sim.cycle + this.current.wait;
    } else this.opStart = this.sim.cycle;
  }

  private *run(): Generator<Step, void, void> {
    const read = (name: Parameters<typeof regAddr>[0], i = 0) => this.bus.read(regAddr(name, i));
    const write = (name: Parameters<typeof regAddr>[0], v: number, i = 0) => this.bus.write(regAddr(name, i), v);
    // Interrupt on events only (the reset value): the core sleeps until one is pending.
    for (;;) {
      const count = read('EVENT_COUNT');
      yield count;
      if (count.value === 0) { this.busy = false; yield { sleep: true }; continue; }
      this.busy = true;
      // Word 0 names the kind; only the words up to the record's last field are read.
      const w0 = read('EVENT_DATA', 0);
      yield w0;
      let entry = BigInt(w0.value!);
      const kindProbe = eventOfEntry(entry);
      for (let i = 1; i < recordRegWords(kindProbe.kind); i++) {
        const w = read('EVENT_DATA', i);
        yield w;
        entry |= BigInt(w.value!) << BigInt(32 * i);
      }
      const pop = write('EVENT_POP', 0);
      yield pop;
      const ev = eventOfEntry(entry);
      const cmds: FwCommand[] = [];
      let cycles = this.costs.dispatch + this.costs.handler[ev.kind];
      this.firmware.handle(ev, {
        now: () => (this.sim.cycle / this.opts.busHz) * 1e6,
        issue: (cmd) => { cmds.push(cmd); },
        charge: (n) => { cycles += n; },
      });
      this.stats.events++;
      this.stats.eventsByKind.set(ev.kind, (this.stats.eventsByKind.get(ev.kind) ?? 0) + 1);
      this.opts.onEvent?.(ev, cmds);
      const wait = Math.ceil(cycles * (this.opts.busHz / this.coreHz));
      if (wait > 0) yield { wait };
      for (const cmd of cmds) yield* this.push(cmd);
    }
  }

  private *push(cmd: FwCommand): Generator<Step, void, void> {
    const bits = entryOfCommand(cmd);
    const words = recordRegWords(cmd.kind);
    for (let i = 0; i < words; i++) {
      const w = Number((bits >> BigInt(32 * i)) & 0xffff_ffffn);
      if (this.staged[i] === w) continue;
      const op = this.bus.write(regAddr('CMD_DATA', i), w);
      yield op;
      this.staged[i] = w;
    }
    // Words past this record's last field keep whatever an earlier command left: the hardware slices only the
    // record's own fields (blocks/lib/fw-record.ts), so they are never read.
    for (;;) {
      const op = this.bus.write(regAddr('CMD_PUSH'), 0);
      yield op;
      if (op.resp === AxiResp.OKAY) break;
      if (op.resp !== AxiResp.SLVERR) throw new Error(`${this.prefix}: CMD_PUSH answered ${op.resp}`);
      this.stats.refusedPushes++;
      yield { wait: 16 };
    }
    this.stats.commands++;
  }
}
