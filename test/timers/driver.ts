// Drives tcp_timers cycle by cycle: offers commands (held until accepted, as valid/ready requires), drives the
// event port's ready, and feeds every handshake to the reference model, which checks it.
import { simulate, type BackendKind, type Sim } from '../../sim/harness.ts';
import type { PortAccess } from '../../sim/backend.ts';
import { TcpTimers } from '../../blocks/timers/tcp-timers.ts';
import { timersDefaults, type TcpTimersParams } from '../../blocks/timers/params.ts';
import { TimerModel, type ModelMutation, type TimerCmd } from './model.ts';

export type TimersSim = Sim<ReturnType<typeof TcpTimers.body>>;

export async function timersSim(params: Partial<TcpTimersParams>, backend: BackendKind): Promise<TimersSim> {
  return simulate(TcpTimers, params, { backend });
}

/** A command and the idle cycles the source waits before offering it. */
export interface Stimulus extends TimerCmd { gap?: number }

export interface DriverOptions {
  prescale?: number;
  /** evt_ready in each cycle (default: always ready). */
  ready?: (cycle: number) => boolean;
  mutation?: ModelMutation;
}

export class TimersDriver {
  readonly p: TcpTimersParams;
  readonly model: TimerModel;
  cycle = 0;
  ready: (cycle: number) => boolean;
  /** Every command accepted: cycle and what. */
  readonly accepted: { cycle: number; cmd: TimerCmd }[] = [];
  /** Every event presented (first cycle on the port) and when it was taken. */
  readonly events: { conn: number; kind: number; presented: number; taken?: number }[] = [];
  /** The longest a command was offered before it was accepted. */
  maxCmdWait = 0;
  private readonly queue: Stimulus[] = [];
  private current: Stimulus | undefined;
  private offeredAt = 0;
  private gapLeft = 0;
  private held: { conn: number; kind: number } | undefined;
  private readonly port: Record<string, PortAccess>;

  /** Resets the block (the simulator may be reused) and waits for the clearing pass. */
  constructor(readonly sim: TimersSim, params: Partial<TcpTimersParams>, opts: DriverOptions = {}) {
    this.p = { ...timersDefaults, ...params };
    this.model = new TimerModel({ conns: this.p.conns, kinds: this.p.kinds, tickBits: this.p.tickBits }, opts.mutation);
    this.ready = opts.ready ?? (() => true);
    const names = ['cmd_valid', 'cmd_ready', 'cmd_op', 'cmd_conn', 'cmd_kind', 'cmd_timeout', 'evt_valid', 'evt_ready', 'evt_conn', 'evt_kind', 'now', 'init_done', 'withdrawn'];
    this.port = Object.fromEntries(names.map((n) => [n, sim.port(n as never)]));
    sim.poke('prescale', opts.prescale ?? 1);
    this.port.cmd_valid!.set(0);
    this.port.evt_ready!.set(0);
    sim.reset();
    sim.until(() => sim.peek('init_done') === 1, { timeout: this.p.conns + 10, what: 'init_done' });
  }

  /** Queues commands; they are offered in order, each after its gap. */
  send(...cmds: Stimulus[]): this { this.queue.push(...cmds); return this; }
  get idle(): boolean { return !this.current && this.queue.length === 0; }

  /** Runs one clock cycle. */
  step(): void {
    const P = this.port;
    const c = this.cycle;
    if (!this.current && this.queue.length) {
      if (this.gapLeft === 0) this.gapLeft = (this.queue[0]!.gap ?? 0) + 1;
      if (--this.gapLeft === 0) { this.current = this.queue.shift(); this.offeredAt = c; }
    }
    const cur = this.current;
    P.cmd_valid!.set(cur ? 1 : 0);
    if (cur) { P.cmd_op!.set(cur.op); P.cmd_conn!.set(cur.conn); P.cmd_kind!.set(cur.kind); P.cmd_timeout!.set(cur.timeout); }
    const ready = this.ready(c);
    P.evt_ready!.set(ready ? 1 : 0);
    this.sim.eval();
    this.model.beginCycle(c, P.now!.get() as number, P.withdrawn!.get() as number);
    // An event on the port was loaded at the edge before this cycle: it is ordered before this cycle's command.
    if (P.evt_valid!.get()) {
      const ev = { conn: P.evt_conn!.get() as number, kind: P.evt_kind!.get() as number };
      if (this.held) {
        if (ev.conn !== this.held.conn || ev.kind !== this.held.kind) throw new Error(`cycle ${c}: a stalled event changed from ${JSON.stringify(this.held)} to ${JSON.stringify(ev)}`);
      } else {
        this.model.presented(c, ev.conn, ev.kind);
        this.events.push({ ...ev, presented: c });
      }
      if (ready) {
        this.model.delivered_(ev.kind);
        this.events[this.events.length - 1]!.taken = c;
        this.held = undefined;
      } else {
        this.held = ev;
        this.model.stalled();
      }
    } else if (this.held) {
      throw new Error(`cycle ${c}: evt_valid dropped while an event was stalled`);
    }
    if (cur && P.cmd_ready!.get()) {
      this.model.command(c, cur);
      this.accepted.push({ cycle: c, cmd: cur });
      this.maxCmdWait = Math.max(this.maxCmdWait, c - this.offeredAt);
      this.current = undefined;
    }
    this.sim.step(1);
    this.cycle++;
  }

  run(cycles: number): this { for (let i = 0; i < cycles; i++) this.step(); return this; }

  /** Steps until every queued command is accepted (throws after `limit` cycles). */
  flush(limit = 10_000): this {
    const end = this.cycle + limit;
    while (!this.idle) {
      if (this.cycle >= end) throw new Error(`commands not accepted after ${limit} cycles`);
      this.step();
    }
    return this;
  }

  /**
   * With the event port always ready, runs until every armed timer has passed its deadline and fired. Needs
   * the largest remaining timeout to be well under half the tick range.
   */
  drain(limit = 100_000): this {
    this.ready = () => true;
    this.flush(limit);
    const end = this.cycle + limit;
    while (this.model.armedTimers().length > 0 || this.port.evt_valid!.get()) {
      if (this.cycle >= end) throw new Error(`timers still armed after ${limit} cycles: ${JSON.stringify(this.model.armedTimers().slice(0, 5))}`);
      this.step();
    }
    // One more sweep: nothing else may fire.
    this.run(this.p.conns + 10);
    return this;
  }

  /** Checks the counters against the model. */
  checkCounters(): void {
    const s = this.sim;
    for (let k = 0; k < this.p.kinds; k++) {
      const got = s.peekN(`events_${k}` as never);
      if (got !== this.model.delivered[k]) throw new Error(`events_${k} is ${got}, the model delivered ${this.model.delivered[k]}`);
    }
    if (s.peekN('refused') !== this.model.refused) throw new Error(`refused is ${s.peekN('refused')}, the model refused ${this.model.refused}`);
    if (s.peekN('err_code') !== this.model.lastError) throw new Error(`err_code is ${s.peekN('err_code')}, expected ${this.model.lastError}`);
  }
}
