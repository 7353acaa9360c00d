// A discrete-event scheduler: callbacks at simulated times (nanoseconds), in time order, ties in scheduling
// order. Idle time costs nothing, so millisecond timers and nanosecond frame times live in one run.
export interface Scheduled { readonly at: number; cancelled: boolean }

interface Entry extends Scheduled { seq: number; fn: () => void }

export class Scheduler {
  private heap: Entry[] = [];
  private seq = 0;
  now = 0;
  executed = 0;

  /** Run fn at now + delayNs. */
  after(delayNs: number, fn: () => void): Scheduled {
    return this.at(this.now + Math.max(0, delayNs), fn);
  }

  at(time: number, fn: () => void): Scheduled {
    if (!(time >= this.now)) throw new Error(`scheduler: time ${time} is in the past (now ${this.now})`);
    const e: Entry = { at: time, seq: this.seq++, fn, cancelled: false };
    this.push(e);
    return e;
  }

  get pending(): number { return this.heap.length; }

  /** Time of the earliest queued event (a cancelled one counts), Infinity when none: real-time pacing sleeps until it. */
  get nextAt(): number { return this.heap[0]?.at ?? Infinity; }

  /** Run events until pred() holds (checked after each event), the queue empties, or the time limit passes. */
  runUntil(pred: () => boolean, limitNs = Infinity): boolean {
    while (!pred()) {
      const e = this.heap[0];
      if (!e || e.at > limitNs) return pred();
      this.pop();
      if (e.cancelled) continue;
      this.now = e.at;
      this.executed++;
      e.fn();
    }
    return true;
  }

  /** Run everything up to time t (inclusive) and set now = t. */
  runTo(t: number): void {
    this.runUntil(() => false, t);
    if (t > this.now) this.now = t;
  }

  private less(a: Entry, b: Entry) { return a.at < b.at || (a.at === b.at && a.seq < b.seq); }

  private push(e: Entry) {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop() {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
