// Several clock domains: each clock toggles every half period; edges due at the same time are
// applied together and followed by one eval at that time.

export interface ScheduledClock {
  name: string;
  view: Uint8Array; // the clock port's storage
  halfPs: number;
  next: number; // time of the next toggle, ps
}

export class ClockScheduler {
  private readonly clocks: ScheduledClock[];
  now: number;

  constructor(clocks: { name: string; view: Uint8Array; periodPs: number }[], nowPs: number) {
    this.now = nowPs;
    this.clocks = clocks.map((c) => {
      if (!(c.periodPs >= 2 && c.periodPs % 2 === 0)) throw new Error(`clock ${c.name}: period ${c.periodPs} ps must be an even number of ps`);
      const halfPs = c.periodPs / 2;
      // Continue from the clock's current level: next edge at the next multiple of the half period.
      const next = (Math.floor(nowPs / halfPs) + 1) * halfPs;
      return { name: c.name, view: c.view, halfPs, next };
    });
  }

  /**
   * Advances to now + ps, applying every edge on the way. evalAt(t) evaluates the model at time t;
   * onRise(name) is told of each rising edge (after the eval of its time). Returns the edge times handled.
   */
  step(ps: number, evalAt: (t: number) => void, onRise?: (clock: string) => void): number {
    const end = this.now + ps;
    let events = 0;
    let last = this.now;
    const rising: string[] = [];
    for (;;) {
      let t = Infinity;
      for (const c of this.clocks) if (c.next < t) t = c.next;
      if (t > end) break;
      rising.length = 0;
      for (const c of this.clocks) {
        if (c.next !== t) continue;
        c.view[0] = c.view[0] ? 0 : 1;
        if (c.view[0]) rising.push(c.name);
        c.next += c.halfPs;
      }
      evalAt(t);
      last = t;
      events++;
      if (onRise) for (const r of rising) onRise(r);
    }
    if (last < end) evalAt(end); // time moves to the end even without an edge there
    this.now = end;
    return events;
  }
}
