// Joins the RTL TOE (sim/toe_rtl: toe_top in Verilator with its firmware) to a TAP device. The RTL simulates about
// a thousand times slower than real time, so it cannot be paced to the wall clock as the model is (tap-link.ts):
// its simulated time runs as fast as it can, behind the wall clock, while the kernel keeps real time. To the
// kernel the TOE is a slow peer (each frame it sends costs milliseconds of wall time), which TCP tolerates: the
// kernel's timers are long (RTO >= 200 ms, delayed ACK 40 ms), and its spurious retransmissions are duplicates
// the TOE handles. The TOE's own timers run in simulated time, where the kernel answers within a step.
//
// A step: every frame the kernel has queued goes into the RTL's MAC, then the RTL runs `quantumCycles` clock
// cycles. Frames the RTL's MAC sends go to the kernel as their last beat leaves. The caller yields to the event
// loop between steps (peer output, timers).
import { PcapWriter } from '../packet/index.ts';
import type { RtlToe } from '../toe_rtl/toe.ts';
import type { TapAddon } from './addon.ts';
import { drainKernel, newTapIoStats, sendToKernel, type Mangle, type TapIoStats } from './tap-io.ts';

export interface RtlTapLinkOptions {
  /** Keep every frame (both directions) for a pcap, stamped with the wall clock (the kernel's time). */
  pcap?: boolean;
  /** TOE clock cycles run per step, between reads of the TAP (256 cycles = 1.6 µs simulated, ~2 ms of wall time). */
  quantumCycles?: number;
}

export interface RtlTapLinkStats extends TapIoStats { steps: number }

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class RtlTapLink {
  readonly stats: RtlTapLinkStats = {
    ...newTapIoStats(), steps: 0,
  };
  readonly pcap: PcapWriter | undefined;
  /** Test hooks: rewrite (or drop, by returning undefined) a frame on its way to the kernel / to the TOE. */
  mangle: Mangle;
  mangleIn: Mangle;
  private readonly wall0 = performance.now();
  private readonly epochNs0 = BigInt(Date.now()) * 1_000_000n;
  private readonly buf = new Uint8Array(65536);
  private readonly quantumNs: number;

  constructor(readonly toe: RtlToe, private readonly addon: TapAddon, private readonly fd: number, opts: RtlTapLinkOptions = {}) {
    this.pcap = opts.pcap ? new PcapWriter() : undefined;
    this.quantumNs = ((opts.quantumCycles ?? 256) / toe.cfg.clockHz) * 1e9;
    toe.attach((frame) => this.toKernel(frame));
  }

  /** Wall-clock time since the link was made, ms. */
  wallMs(): number { return performance.now() - this.wall0; }

  /** Run until pred() holds, checked between steps; throws after timeoutMs of wall time. */
  async run(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!pred()) {
      if (performance.now() > deadline) {
        throw new Error(`${what}: not reached within ${timeoutMs} ms (RTL simulated ${(this.toe.nowNs / 1e6).toFixed(3)} ms; ` +
          `frames to kernel ${this.stats.toKernel}, from kernel ${this.stats.fromKernel})`);
      }
      this.step();
      await yieldToEventLoop();
    }
  }

  step(): void {
    this.stats.steps++;
    this.drain();
    this.toe.stepTo(this.toe.nowNs + this.quantumNs);
  }

  /** Every frame the kernel has queued, into the RTL's MAC (its AXI-Stream source queues them). */
  private drain(): void {
    drainKernel(this.addon, this.fd, this.buf, this.stats, this.mangleIn, (f) => this.record(f), (f) => this.toe.receiveFrame(f));
  }

  private toKernel(original: Uint8Array): void {
    sendToKernel(this.fd, original, this.stats, this.mangle, (f) => this.record(f));
  }

  private record(frame: Uint8Array): void {
    if (!this.pcap) return;
    const t = this.epochNs0 + BigInt(Math.round(this.wallMs() * 1e6));
    this.pcap.add(frame, { sec: Number(t / 1_000_000_000n), nsec: Number(t % 1_000_000_000n) });
  }
}
