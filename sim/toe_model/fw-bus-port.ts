// One firmware core's firmware bus as RTL: a simulator (Verilator or native) of blocks/fw_bus with
//  - the hardware side: an event source that holds the hardware model's events and offers them on event_valid
//    (an event the full queue does not take stays held, never dropped), and a command sink on cmd_ready;
//  - the firmware side: what the core's code does over AXI4-Lite (FwBusDriver on a TimedAxiLiteMaster, which
//    also checks the slave's protocol), each access's bus cycles counted.
// The simulator is stepped only while something happens (an access, an event entering); idle time is skipped,
// which the block allows: nothing in it counts idle cycles (the window timeout runs only during window accesses).
import { simulate, type BackendKind, type Sim } from '../harness.ts';
import type { PortAccess } from '../backend.ts';
import { FwBus } from '../../blocks/fw_bus/fw-bus.ts';
import { defaultFwBusParams, type FwBusParams } from '../../blocks/fw_bus/params.ts';
import { TimedAxiLiteMaster, type AxiTiming } from '../fw_bus/timed-axil-master.ts';
import { FwBusDriver } from '../fw_bus/driver.ts';
import { HsSink, HsSource } from '../host/handshake-agents.ts';
import { recordRegWords, type FwCommand, type FwEvent } from '../../firmware/api.ts';
import {
  COMMAND_ENTRY_BITS, EVENT_ENTRY_BITS, bitsToRecord, kindOfWord0, recordToBits, regWord, regWordsOf,
} from './fw-bus-records.ts';

export interface FwBusPortOptions {
  backend?: BackendKind;
  /** Queue depths of the RTL instance (default: the block's 16). */
  eventDepth?: number;
  commandDepth?: number;
  /** Probability that the hardware holds cmd_ready low in a cycle (0: it takes every command at once). */
  cmdBackpressure?: number;
  /**
   * The core side's AXI4-Lite timing (random valid delays, bready/rready backpressure: an interconnect between
   * core and slave). Default: none, a load/store unit straight on the slave, 2 bus cycles per access.
   */
  axi?: Omit<AxiTiming, 'seed'>;
  seed?: number;
  /** Deliberate bug, for a test that must be able to fail: an event that finds the queue full is dropped, not held. */
  faults?: { dropWhenFull?: boolean };
}

export interface FwBusPortStats {
  /** Events the hardware offered / the firmware popped. */
  eventsOffered: number;
  eventsPopped: number;
  /** Events that found the RTL event queue full (or others already waiting) and were held by the hardware. */
  eventsHeld: number;
  maxHeld: number;
  /** Bus accesses and cycles of popping events (EVENT_COUNT reads, EVENT_DATA reads, EVENT_POP writes). */
  eventAccesses: number;
  eventCycles: number;
  commandsPushed: number;
  /** Bus accesses and cycles of pushing commands (CMD_SPACE reads, CMD_DATA writes, CMD_PUSH writes). */
  commandAccesses: number;
  commandCycles: number;
  /** CMD_DATA words written (words equal to the staged value are skipped). */
  commandWords: number;
  /** 32-bit data words of the commands pushed and the events popped (what firmware/costs.ts charges busAccess for). */
  commandRecordWords: number;
  eventRecordWords: number;
  /** Bus cycles spent polling CMD_SPACE while it read 0: the core waiting on a full command queue. */
  commandWaitCycles: number;
  /** Commands the hardware took from cmd_valid. */
  commandsTaken: number;
  /** Events lost: only with faults.dropWhenFull. */
  eventsDropped: number;
}

type FwBusSim = Sim<ReturnType<typeof FwBus.body>>;

export class FwBusPort {
  readonly stats: FwBusPortStats = {
    eventsOffered: 0, eventsPopped: 0, eventRecordWords: 0, eventsHeld: 0, maxHeld: 0, eventAccesses: 0, eventCycles: 0,
    commandsPushed: 0, commandAccesses: 0, commandCycles: 0, commandWords: 0, commandRecordWords: 0, commandWaitCycles: 0, commandsTaken: 0, eventsDropped: 0,
  };
  readonly drv: FwBusDriver;
  private readonly source: HsSource;
  private readonly sink: HsSink;
  private readonly eventReady: PortAccess;
  private readonly irq: PortAccess;
  /** Cycle the RTL last took an event (EVENT_COUNT and irq show it two cycles later). */
  private lastTaken = -Infinity;
  /** What the firmware knows without a bus read: events it has seen counted and not yet popped; free command entries. */
  private knownEvents = 0;
  private knownSpace = 0;
  /** The CMD_DATA words as last written (the block keeps them after a push). */
  private readonly staged: (number | undefined)[] = [];

  static async create(opts: FwBusPortOptions = {}): Promise<FwBusPort> {
    const params: FwBusParams = {
      ...defaultFwBusParams, eventBits: EVENT_ENTRY_BITS, commandBits: COMMAND_ENTRY_BITS,
      eventDepth: opts.eventDepth ?? defaultFwBusParams.eventDepth, commandDepth: opts.commandDepth ?? defaultFwBusParams.commandDepth,
    };
    const sim = await simulate(FwBus, params, { backend: opts.backend });
    return new FwBusPort(sim, params, opts);
  }

  private constructor(readonly sim: FwBusSim, readonly params: FwBusParams, private readonly opts: FwBusPortOptions) {
    const seed = opts.seed ?? 1;
    // Nothing hangs on the TCB/CSR window in this co-simulation: never taken, never answered.
    sim.port('win_req_ready').set(0);
    sim.port('win_resp_valid').set(0);
    this.source = new HsSource(sim, 'event');
    this.source.onAccept = () => { this.lastTaken = sim.cycle; };
    this.sink = new HsSink(sim, 'cmd', { backpressure: opts.cmdBackpressure ?? 0, seed: seed + 1 });
    this.sink.onRecord = () => { this.stats.commandsTaken++; };
    this.eventReady = sim.port('event_ready');
    this.irq = sim.port('irq');
    const master = new TimedAxiLiteMaster(sim, { ...opts.axi, seed });
    sim.reset();
    this.drv = new FwBusDriver(master, { timeout: 100_000 });
    const cfg = this.drv.init();
    if (cfg.eventWords * 32 !== EVENT_ENTRY_BITS || cfg.commandWords * 32 !== COMMAND_ENTRY_BITS) {
      throw new Error(`fw_bus co-simulation: instance has ${cfg.eventWords}/${cfg.commandWords} words per event/command`);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Hardware side

  /** The hardware posts an event: it enters the RTL queue now if there is room, else it is held until there is. */
  offer(ev: FwEvent): void {
    this.stats.eventsOffered++;
    if (this.opts.faults?.dropWhenFull && !this.roomNow()) { this.stats.eventsDropped++; return; }
    this.source.send({ data: recordToBits(ev, 'event') });
    this.pushHeld();
    if (this.source.pending > 0) {
      this.stats.eventsHeld++;
      this.stats.maxHeld = Math.max(this.stats.maxHeld, this.source.pending);
    }
  }

  /** Steps while a held event can enter the queue (event_ready depends only on the queue, not on event_valid). */
  private pushHeld(): void {
    for (;;) {
      this.sim.eval();
      if (this.source.pending === 0 || !Number(this.eventReady.get())) return;
      this.sim.step(1);
    }
  }

  private roomNow(): boolean { this.sim.eval(); return this.source.pending === 0 && !!Number(this.eventReady.get()); }

  /** Events offered and not yet popped (or dropped by the fault): held by the hardware or in the RTL queue. */
  get eventsWaiting(): number { return this.stats.eventsOffered - this.stats.eventsPopped - this.stats.eventsDropped; }

  /** The commands the hardware has taken from cmd_valid since the last call, decoded, in order. */
  takeCommands(): FwCommand[] {
    return this.sink.take().map((r) => bitsToRecord(r.data!, 'command') as FwCommand);
  }

  /** Steps until every pushed command has left on cmd_valid; returns the cycles it took. */
  drainCommands(): number {
    return this.sim.until(() => this.stats.commandsTaken === this.stats.commandsPushed, { timeout: 100_000, what: 'commands drained to the hardware' });
  }

  // ---------------------------------------------------------------------------------------------------------
  // Firmware side

  /**
   * The core's wake-up: true once an event waits for it. Without a counted one, waits for irq (EVENT_COUNT and irq
   * show an event two cycles after the queue takes it); false when nothing is queued or held.
   */
  eventForCore(): boolean {
    if (this.knownEvents > 0) return true;
    if (this.source.pending === 0 && this.sim.cycle > this.lastTaken + 2) { this.sim.eval(); return !!Number(this.irq.get()); }
    this.sim.until(() => !!Number(this.irq.get()), { timeout: 16, what: 'irq after an event entered the queue' });
    return true;
  }

  /**
   * Pops the head event as firmware would: EVENT_COUNT only when it has no counted event left, EVENT_DATA word 0
   * (the kind code says how many more words to read), the remaining words, EVENT_POP.
   */
  popEvent(): FwEvent | undefined {
    const s0 = this.drv.stats;
    const c0 = s0.cycles, a0 = s0.reads + s0.writes;
    try {
      if (this.knownEvents === 0) {
        this.knownEvents = this.drv.read('EVENT_COUNT');
        if (this.knownEvents === 0) return undefined;
      }
      const w0 = this.drv.read('EVENT_DATA', 0);
      const kind = kindOfWord0(w0, 'event');
      if (!kind) throw new Error(`fw_bus co-simulation: event with unknown code ${w0 & 0x3f}`);
      let bits = BigInt(w0 >>> 0);
      for (let i = 1; i < regWordsOf(kind, 'event'); i++) bits |= BigInt(this.drv.read('EVENT_DATA', i) >>> 0) << BigInt(32 * i);
      this.drv.write('EVENT_POP', 0);
      this.knownEvents--;
      this.stats.eventsPopped++;
      this.stats.eventRecordWords += recordRegWords(kind as FwEvent['kind']);
      return bitsToRecord(bits, 'event') as FwEvent;
    } finally {
      const s = this.drv.stats;
      this.stats.eventCycles += s.cycles - c0;
      this.stats.eventAccesses += s.reads + s.writes - a0;
      // An event popped leaves room: a held one enters (the stepping above already let it, this settles the rest).
      this.pushHeld();
    }
  }

  /**
   * Pushes a command as firmware would: CMD_SPACE only when it has no known free entry (polling while it reads 0:
   * the core waits for the hardware to take commands), the CMD_DATA words up to the record's last field that
   * differ from what is staged, CMD_PUSH.
   */
  pushCommand(cmd: FwCommand): void {
    const s0 = this.drv.stats;
    const c0 = s0.cycles, a0 = s0.reads + s0.writes;
    while (this.knownSpace === 0) {
      const before = this.drv.stats.cycles;
      this.knownSpace = this.drv.read('CMD_SPACE');
      if (this.knownSpace === 0) this.stats.commandWaitCycles += this.drv.stats.cycles - before;
    }
    const bits = recordToBits(cmd, 'command');
    for (let i = 0; i < regWordsOf(cmd.kind, 'command'); i++) {
      const w = regWord(bits, i);
      if (this.staged[i] === w) continue;
      this.drv.write('CMD_DATA', w, i);
      this.staged[i] = w;
      this.stats.commandWords++;
    }
    this.drv.write('CMD_PUSH', 0); // throws FwBusError if refused: CMD_SPACE said there was room
    this.knownSpace--;
    this.stats.commandsPushed++;
    this.stats.commandRecordWords += recordRegWords(cmd.kind);
    const s = this.drv.stats;
    this.stats.commandCycles += s.cycles - c0;
    this.stats.commandAccesses += s.reads + s.writes - a0;
  }

  /** The block's own counters, read over the bus (not charged to any core). */
  readCounters(): { popped: number; pushed: number; refused: number; emptyPops: number; bad: number; status: number } {
    const d = this.drv, saved = { ...d.stats };
    const r = {
      popped: d.read('EVENTS_POPPED'), pushed: d.read('COMMANDS_PUSHED'), refused: d.read('PUSHES_REFUSED'),
      emptyPops: d.read('EMPTY_POPS'), bad: d.read('BAD_ACCESSES'), status: d.read('STATUS'),
    };
    Object.assign(d.stats, saved);
    return r;
  }

  close(): void { this.sim.close(); }
}
