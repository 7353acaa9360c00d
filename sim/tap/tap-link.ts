// Joins a TOE model to a TAP device, with the simulation paced against the wall clock: the kernel on the other
// side keeps real time (its RTO, delayed ACK and keep-alive timers do not wait for us), so simulated time is
// wall time since the link was made. Each step reads every frame the kernel has queued, runs the model up to
// now (plus a small lookahead, so a chain of sub-microsecond hardware latencies does not cost a poll each), and
// sleeps in poll() until the next simulated event or the next frame, whichever comes first. Between steps the
// caller yields to the event loop so child processes and timers make progress.
import { PcapWriter } from '../packet/index.ts';
import type { Scheduler } from '../toe_model/scheduler.ts';
import type { Toe } from '../toe_model/toe.ts';
import type { TapAddon } from './addon.ts';
import { drainKernel, newTapIoStats, sendToKernel, type Mangle, type TapIoStats } from './tap-io.ts';

export interface TapLinkOptions {
  /** Keep every frame (both directions) for a pcap. */
  pcap?: boolean;
  /** How far simulated time may run ahead of the wall clock, µs. */
  lookaheadUs?: number;
  /** Most events run per step before yielding (when the model falls behind real time). */
  eventBudget?: number;
  /** Longest single sleep in poll(), ms. */
  maxSleepMs?: number;
}

export interface TapLinkStats extends TapIoStats {
  steps: number; sleeps: number;
  /** Largest amount by which the model lagged the wall clock at the start of a step, µs. */
  maxLagUs: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class TapLink {
  readonly stats: TapLinkStats = {
    ...newTapIoStats(), steps: 0, sleeps: 0, maxLagUs: 0,
  };
  readonly pcap: PcapWriter | undefined;
  /** Test hooks: rewrite (or drop, by returning undefined) a frame on its way to the kernel / to the TOE. */
  mangle: Mangle;
  mangleIn: Mangle;
  private readonly wall0 = performance.now();
  private readonly sim0: number;
  private readonly epochNs0 = BigInt(Date.now()) * 1_000_000n;
  private readonly buf = new Uint8Array(65536);
  private readonly lookaheadNs: number;
  private readonly budget: number;
  private readonly maxSleepMs: number;

  constructor(
    private readonly sched: Scheduler,
    readonly toe: Toe,
    private readonly addon: TapAddon,
    private readonly fd: number,
    opts: TapLinkOptions = {},
  ) {
    this.sim0 = sched.now;
    this.pcap = opts.pcap ? new PcapWriter() : undefined;
    this.lookaheadNs = (opts.lookaheadUs ?? 50) * 1000;
    this.budget = opts.eventBudget ?? 20_000;
    this.maxSleepMs = opts.maxSleepMs ?? 5;
    toe.attach((frame) => this.toKernel(frame));
  }

  /** Simulated time that corresponds to the wall clock now. */
  wallNs(): number { return this.sim0 + (performance.now() - this.wall0) * 1e6; }

  /** Run until pred() holds, checked between steps; throws after timeoutMs of wall time. */
  async run(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!pred()) {
      if (performance.now() > deadline) {
        throw new Error(`${what}: not reached within ${timeoutMs} ms (simulated ${(this.sched.now / 1e6).toFixed(1)} ms; ` +
          `frames to kernel ${this.stats.toKernel}, from kernel ${this.stats.fromKernel})`);
      }
      this.step();
      await yieldToEventLoop();
    }
  }

  /** Keep the link running for `ms` of wall time (e.g. to let the kernel finish its side). */
  async idle(ms: number): Promise<void> {
    const end = performance.now() + ms;
    await this.run(() => performance.now() >= end, ms + 1000, 'idle');
  }

  step(): void {
    this.stats.steps++;
    const wall = this.wallNs();
    this.stats.maxLagUs = Math.max(this.stats.maxLagUs, (wall - this.sched.now) / 1000);
    this.drain();
    let n = 0;
    const target = wall + this.lookaheadNs;
    const behind = this.sched.runUntil(() => ++n > this.budget, target);
    if (behind) return; // the model lags the wall clock: no sleeping, straight on after a yield
    this.sched.runTo(Math.max(this.sched.now, target));
    const sleepMs = Math.min(this.maxSleepMs, Math.floor((this.sched.nextAt - this.wallNs()) / 1e6));
    if (sleepMs >= 1) { this.stats.sleeps++; this.addon.waitReadable(this.fd, sleepMs); }
  }

  /** Every frame the kernel has queued, into the TOE's MAC at the current simulated time. */
  private drain(): void {
    drainKernel(this.addon, this.fd, this.buf, this.stats, this.mangleIn, (f) => this.record(f), (f) => this.toe.receiveFrame(f));
  }

  private toKernel(original: Uint8Array): void {
    sendToKernel(this.fd, original, this.stats, this.mangle, (f) => this.record(f));
  }

  private record(frame: Uint8Array): void {
    if (!this.pcap) return;
    const t = this.epochNs0 + BigInt(Math.round(this.sched.now - this.sim0));
    this.pcap.add(frame, { sec: Number(t / 1_000_000_000n), nsec: Number(t % 1_000_000_000n) });
  }
}
