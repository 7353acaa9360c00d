// The reference model of tcp_timers: per connection and kind, whether the timer is armed and its deadline, and
// the checks every event and every cycle must pass (safety: only armed, passed timers fire, once per arm, never
// after a cancel; liveness: a passed timer fires within the documented lateness bound).
import { TimerError, TimerOp } from '../../blocks/timers/codes.ts';

export interface TimerCmd { op: number; conn: number; kind: number; timeout: number }

export interface ModelConfig { conns: number; kinds: number; tickBits: number }

/** Cycles from a timer's expiry to its event on the port, beyond one sweep, with nothing else going on (README). */
export const IDLE_LATENESS = 4;
/** The same in the general bound (one more: a queue-full cycle right after a stall just before the expiry). */
export const LATENESS_BASE = 5;
/** An event reaches the port at least this many cycles after the S1 visit that decided it (read, S1, S2, queue, output). */
export const DECISION_TO_PORT = 3;
/** ... and at least this many cycles after the SET that armed it. */
export const SET_TO_PORT = 5;

interface Timer {
  armed: boolean;
  deadline: number;
  setCycle: number;
  /** First cycle at which the deadline had passed, and the activity counters then (for the lateness bound). */
  expiry?: { cycle: number; events: number; withdrawn: number; cmds: number; stalls: number };
}

/** Deliberate faults, to show that the checks catch them. */
export type ModelMutation = 'none' | 'ignore-cancel' | 'idle-bound-minus-one';

export class TimerModel {
  readonly timers: Timer[][];
  readonly mask: number;
  readonly half: number;
  /** Events presented and withdrawn, commands accepted, cycles with the event port stalled: the lateness bound's terms. */
  events = 0; withdrawn = 0; cmds = 0; stalls = 0;
  readonly delivered: number[];
  refused = 0;
  lastError: number = TimerError.NONE;
  /** The largest lateness seen (cycles from expiry to the event on the port), and the least unused allowance. */
  maxLateness = 0;
  minMargin = Infinity;
  private readonly nowAt: number[] = [];
  private readonly active = new Set<Timer>();

  constructor(readonly cfg: ModelConfig, readonly mutation: ModelMutation = 'none') {
    this.timers = Array.from({ length: cfg.conns }, () => Array.from({ length: cfg.kinds }, () => ({ armed: false, deadline: 0, setCycle: 0 })));
    this.mask = 2 ** cfg.tickBits - 1;
    this.half = 2 ** (cfg.tickBits - 1);
    this.delivered = new Array<number>(cfg.kinds).fill(0);
  }

  /** Wrap-safe "deadline has passed at tick now". */
  passed(now: number, deadline: number): boolean {
    return ((now - deadline) & this.mask) < this.half;
  }

  /**
   * Call first in every cycle, with the tick counter and the `withdrawn` counter (events withdrawn before this
   * cycle) as they are in that cycle. Checks the previous cycle's waiting timers against the lateness bound.
   */
  beginCycle(cycle: number, now: number, withdrawn: number): void {
    this.withdrawn = withdrawn;
    this.checkWaiting(cycle - 1);
    this.nowAt[cycle] = now;
    for (const t of this.active) if (t.expiry === undefined && this.passed(now, t.deadline)) this.expire(t, cycle);
  }

  private expire(t: Timer, cycle: number) {
    t.expiry = { cycle, events: this.events, withdrawn: this.withdrawn, cmds: this.cmds, stalls: this.stalls };
  }

  /** The refusal the block must give this command (TimerError.NONE = accepted and applied). */
  static errorOf(c: TimerCmd, cfg: ModelConfig): number {
    if (c.op !== TimerOp.SET && c.op !== TimerOp.CANCEL && c.op !== TimerOp.CANCEL_ALL) return TimerError.BAD_OP;
    if (c.conn >= cfg.conns) return TimerError.BAD_CONN;
    if (c.op !== TimerOp.CANCEL_ALL && c.kind >= cfg.kinds) return TimerError.BAD_KIND;
    return TimerError.NONE;
  }

  /** A command accepted in `cycle` (after any event presented in the same cycle). */
  command(cycle: number, c: TimerCmd): void {
    this.cmds++;
    const err = TimerModel.errorOf(c, this.cfg);
    if (err !== TimerError.NONE) { this.refused++; this.lastError = err; return; }
    const row = this.timers[c.conn]!;
    const disarm = (t: Timer) => {
      if (this.mutation === 'ignore-cancel') return;
      t.armed = false; t.expiry = undefined; this.active.delete(t);
    };
    if (c.op === TimerOp.CANCEL_ALL) { row.forEach(disarm); return; }
    const t = row[c.kind]!;
    if (c.op === TimerOp.CANCEL) { disarm(t); return; }
    t.armed = true;
    t.deadline = (this.nowAt[cycle]! + c.timeout) & this.mask;
    t.setCycle = cycle;
    t.expiry = undefined;
    this.active.add(t);
    if (this.passed(this.nowAt[cycle]!, t.deadline)) this.expire(t, cycle);
  }

  /** An event newly on the port in `cycle` (valid high, not held from the cycle before). */
  presented(cycle: number, conn: number, kind: number): void {
    const what = `cycle ${cycle}: event (conn ${conn}, kind ${kind})`;
    const t = this.timers[conn]?.[kind];
    if (!t) throw new Error(`${what}: no such timer`);
    if (!t.armed) throw new Error(`${what}: the timer is not armed (never set, cancelled, or already fired for this arm)`);
    if (cycle - t.setCycle < SET_TO_PORT) throw new Error(`${what}: only ${cycle - t.setCycle} cycles after the SET at cycle ${t.setCycle} (an earlier arm's event?)`);
    const decidedBy = this.nowAt[cycle - DECISION_TO_PORT]!;
    if (!this.passed(decidedBy, t.deadline)) throw new Error(`${what}: deadline ${t.deadline} had not passed at tick ${decidedBy} (cycle ${cycle - DECISION_TO_PORT})`);
    const e = t.expiry!;
    this.maxLateness = Math.max(this.maxLateness, cycle - e.cycle);
    this.minMargin = Math.min(this.minMargin, this.allowance(e) - (cycle - e.cycle));
    t.armed = false; t.expiry = undefined; this.active.delete(t);
    this.events++;
  }

  delivered_(kind: number): void { this.delivered[kind]!++; }
  stalled(): void { this.stalls++; }

  /**
   * The lateness bound (README): conns + LATENESS_BASE cycles, plus 2 for every event presented or withdrawn, 1 for
   * every command accepted and 2 for every cycle of event-port stall since the deadline passed.
   */
  allowance(e: NonNullable<Timer['expiry']>): number {
    const base = this.mutation === 'idle-bound-minus-one' ? IDLE_LATENESS - 1 : LATENESS_BASE;
    return this.cfg.conns + base
      + 2 * (this.events - e.events + this.withdrawn - e.withdrawn) + (this.cmds - e.cmds) + 2 * (this.stalls - e.stalls);
  }

  /** No passed timer may still be waiting at the end of `cycle` beyond its bound. */
  private checkWaiting(cycle: number): void {
    for (const t of this.active) {
      if (!t.expiry) continue;
      if (cycle - t.expiry.cycle >= this.allowance(t.expiry)) {
        const [conn, kind] = this.locate(t);
        throw new Error(`cycle ${cycle}: timer (conn ${conn}, kind ${kind}) passed its deadline ${t.deadline} at cycle ${t.expiry.cycle} and has not fired within ${this.allowance(t.expiry)} cycles`);
      }
    }
  }

  /** Timers armed and not fired. */
  armedTimers(): { conn: number; kind: number; deadline: number; expired: boolean }[] {
    return [...this.active].map((t) => { const [conn, kind] = this.locate(t); return { conn, kind, deadline: t.deadline, expired: t.expiry !== undefined }; });
  }

  private locate(t: Timer): [number, number] {
    for (let c = 0; c < this.timers.length; c++) { const k = this.timers[c]!.indexOf(t); if (k >= 0) return [c, k]; }
    return [-1, -1];
  }
}
