// Two MACs joined by a wire: serialisation at the line rate, propagation delay, and seeded impairments
// (loss, duplication, reordering by extra delay). Every frame that crosses can be tapped (checks, pcap).
import type { Scheduler } from './scheduler.ts';
import { Rng } from './rng.ts';

/** What a link joins: a TOE model (toe.ts), an RTL TOE (sim/toe_rtl), or any other MAC. */
export interface LinkEnd {
  readonly name: string;
  /** Connect the end's transmit side. */
  attach(out: (frame: Uint8Array) => void): void;
  /** A frame arrives from the wire. */
  receiveFrame(frame: Uint8Array): void;
}

export interface LinkConfig {
  rateBps: number;
  delayNs: number;
  /** Probability that a frame is lost. */
  loss: number;
  /** Probability that a frame is delivered twice. */
  duplicate: number;
  /** Probability that a frame is held back by up to reorderNs (so later frames overtake it). */
  reorder: number;
  reorderNs: number;
  seed: number;
}

export const DEFAULT_LINK: LinkConfig = { rateBps: 10e9, delayNs: 5_000, loss: 0, duplicate: 0, reorder: 0, reorderNs: 20_000, seed: 1 };

/** A frame on the wire: from the TOE named `from`, at time `t` (ns). */
export type Tap = (frame: Uint8Array, from: string, t: number) => void;
/** Return false to drop a frame (directed tests). */
export type Filter = (frame: Uint8Array, from: string) => boolean;

export interface LinkStats { frames: number; lost: number; duplicated: number; reordered: number; filtered: number }

export class Link {
  readonly cfg: LinkConfig;
  readonly taps: Tap[] = [];
  filter: Filter | undefined;
  readonly stats: LinkStats = { frames: 0, lost: 0, duplicated: 0, reordered: 0, filtered: 0 };
  private readonly rng: Rng;
  private readonly busyUntil = new Map<string, number>();

  constructor(private readonly sched: Scheduler, readonly a: LinkEnd, readonly b: LinkEnd, cfg: Partial<LinkConfig> = {}) {
    this.cfg = { ...DEFAULT_LINK, ...cfg };
    this.rng = new Rng(this.cfg.seed);
    a.attach((f) => this.send(f, a, b));
    b.attach((f) => this.send(f, b, a));
  }

  /** Put a frame on the wire towards `to` as if `from` sent it (forged segments in tests). */
  inject(frame: Uint8Array, to: LinkEnd): void {
    this.send(frame, to === this.a ? this.b : this.a, to);
  }

  private send(frame: Uint8Array, from: LinkEnd, to: LinkEnd): void {
    this.stats.frames++;
    // Serialisation: a direction carries one frame at a time (plus 20 bytes of preamble, FCS and gap).
    const start = Math.max(this.sched.now, this.busyUntil.get(from.name) ?? 0);
    const wire = ((Math.max(frame.length, 60) + 24) * 8 * 1e9) / this.cfg.rateBps;
    this.busyUntil.set(from.name, start + wire);
    for (const tap of this.taps) tap(frame, from.name, start + wire);
    if (this.filter && !this.filter(frame, from.name)) { this.stats.filtered++; return; }
    if (this.rng.next() < this.cfg.loss) { this.stats.lost++; return; }
    let arrive = start + wire + this.cfg.delayNs;
    if (this.rng.next() < this.cfg.reorder) { this.stats.reordered++; arrive += this.rng.next() * this.cfg.reorderNs; }
    this.sched.at(arrive, () => to.receiveFrame(frame));
    if (this.rng.next() < this.cfg.duplicate) {
      this.stats.duplicated++;
      this.sched.at(arrive + wire, () => to.receiveFrame(frame));
    }
  }
}
