// The ring engine's test bench: host memory, the AXI4-Lite master, the driver model, sinks for the three
// descriptor ports (the NIC side) and a completion source, with helpers to post and check traffic.
import type { Sim } from '../../sim/harness.ts';
import { SparseMemory } from '../../sim/host/sparse-memory.ts';
import { AxiMemory } from '../../sim/host/axi-memory.ts';
import { AxiLiteMaster } from '../../sim/host/axil-master.ts';
import { HostDriver, type Completion, type DriverOptions } from '../../sim/host/driver.ts';
import { HsSink, HsSource } from '../../sim/host/handshake-agents.ts';

export const RINGS: DriverOptions['rings'] = {
  tx: { base: 0x1_0000, logSize: 3 }, rx: { base: 0x2_0000, logSize: 2 }, cmd: { base: 0x3_0000, logSize: 1 }, cpl: { base: 0x4_0000, logSize: 3 },
};

export class RingEnv {
  readonly host = new SparseMemory();
  readonly axi: AxiMemory;
  readonly mmio: AxiLiteMaster;
  readonly drv: HostDriver;
  readonly tx: HsSink; readonly rx: HsSink; readonly cmd: HsSink;
  readonly cpl: HsSource;
  /** Every AW address the engine issued (completion writes), to check it writes nowhere else. */
  readonly writes: number[] = [];
  /** Completions reaped so far. */
  readonly reaped: Completion[] = [];

  constructor(readonly sim: Sim<unknown>, seed: number, opts: Partial<DriverOptions> = {}) {
    this.axi = new AxiMemory(sim, this.host, { readLatency: 40, seed });
    this.axi.onAw = (_c, addr, beats) => { for (let i = 0; i < beats; i++) this.writes.push(addr + i * this.axi.beatBytes); };
    this.mmio = new AxiLiteMaster(sim);
    this.drv = new HostDriver(sim, this.host, this.mmio, { rings: RINGS, irqCount: 1, irqTime: 100, ...opts });
    this.tx = new HsSink(sim, 'tx_desc', { seed: seed + 1 });
    this.rx = new HsSink(sim, 'rx_desc', { seed: seed + 2 });
    this.cmd = new HsSink(sim, 'cmd_desc', { seed: seed + 3 });
    this.cpl = new HsSource(sim, 'cpl', { seed: seed + 4 });
  }

  /** Reaps what is visible, acknowledges it and re-arms the interrupt. */
  service(): Completion[] {
    const got = this.drv.reap();
    if (got.length) this.drv.ackCompletions();
    this.drv.rearm();
    this.reaped.push(...got);
    return got;
  }

  /** Steps until `pred`, servicing the completion ring whenever an interrupt arrives. */
  runUntil(pred: () => boolean, timeout: number, what: string): void {
    const end = this.sim.cycle + timeout;
    while (!pred()) {
      if (this.sim.cycle >= end) throw new Error(`${what}: not done after ${timeout} cycles`);
      this.sim.step(1);
      if (this.drv.takeInterrupt()) this.service();
    }
  }

  /** Every completion write landed inside the completion ring. */
  strayWrites(): number[] {
    const c = RINGS.cpl, end = c.base + 16 * (1 << c.logSize);
    return this.writes.filter((a) => a < c.base || a >= end);
  }
}
