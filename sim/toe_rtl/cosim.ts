// The RTL TOE and the TS model of the TOE (or two RTL TOEs) on one link: the link and the model run on the
// scheduler's nanosecond clock, each RTL TOE on its own cycles, kept in lockstep a quantum at a time (frames
// cross within one quantum of their exact time; the default 64 cycles = 410 ns is well under the link's delay).
import { Link, type LinkConfig, type LinkEnd } from '../toe_model/link.ts';
import { Scheduler } from '../toe_model/scheduler.ts';
import type { RtlToe } from './toe.ts';

export class Cosim {
  readonly link: Link;
  constructor(readonly sched: Scheduler, readonly a: LinkEnd, readonly b: LinkEnd, readonly rtl: RtlToe[], link: Partial<LinkConfig> = {}, readonly quantumNs = 409.6) {
    this.link = new Link(sched, a, b, link);
  }

  /** Advance everything to `t` (ns). */
  advanceTo(t: number): void {
    while (this.sched.now < t) {
      const next = Math.min(t, this.sched.now + this.quantumNs);
      this.sched.runTo(next);
      for (const r of this.rtl) r.stepTo(next);
    }
  }

  /** Run until `pred` holds; throws after `limitMs` of simulated time. */
  run(pred: () => boolean, limitMs = 100, what = 'condition'): void {
    const end = this.sched.now + limitMs * 1e6;
    while (!pred()) {
      if (this.sched.now >= end) throw new Error(`cosim: ${what} not reached within ${limitMs} ms of simulated time (now ${(this.sched.now / 1e6).toFixed(3)} ms)`);
      this.advanceTo(this.sched.now + this.quantumNs);
    }
  }

  /** Run for `ms` of simulated time. */
  settle(ms: number): void { this.advanceTo(this.sched.now + ms * 1e6); }
}
