// The firmware bus's test bench: the block with a timed AXI4-Lite master and the driver on the firmware side,
// an event source and a command sink on the hardware side, and the window slave model. One simulator per
// back end is reused across cases: each case resets it and builds fresh agents.
import { simulate, type BackendKind, type Sim } from '../../sim/harness.ts';
import { HsSink, HsSource } from '../../sim/host/handshake-agents.ts';
import { FwBus } from '../../blocks/fw_bus/fw-bus.ts';
import { defaultFwBusParams, type FwBusParams } from '../../blocks/fw_bus/params.ts';
import { TimedAxiLiteMaster, type AxiTiming, type TimedMmioOp } from '../../sim/fw_bus/timed-axil-master.ts';
import { FwBusDriver } from '../../sim/fw_bus/driver.ts';
import { WindowSlave } from '../../sim/fw_bus/window-slave.ts';
import type { Agent } from '../../sim/harness.ts';
import { rng } from '../rng.ts';

export type FwBusSim = Sim<ReturnType<typeof FwBus.body>>;

/** The parameters the tests use: the default design but a short window timeout (fast timeout tests). */
export const TEST_PARAMS: FwBusParams = { ...defaultFwBusParams, windowTimeout: 24 };

export async function fwBusSim(backend: BackendKind, params: Partial<FwBusParams> = {}): Promise<FwBusSim> {
  return simulate(FwBus, { ...TEST_PARAMS, ...params }, { backend });
}

export interface EnvOptions {
  timing?: AxiTiming;
  /** Probability the event source idles in a cycle. */
  eventGap?: number;
  /** Probability the command sink holds cmd_ready low in a cycle. */
  cmdBackpressure?: number;
  seed?: number;
}

export class FwBusEnv {
  readonly master: TimedAxiLiteMaster;
  readonly drv: FwBusDriver;
  readonly events: HsSource;
  readonly cmds: HsSink;
  readonly win: WindowSlave;
  /** Cycle at which each event was taken by the block, in order. */
  readonly eventTaken: { data: bigint; cycle: number }[] = [];
  /** Every access the driver made, in order (with the timed master's cycle stamps). */
  readonly ops: TimedMmioOp[] = [];
  /** Cycle at which each command left the block, in order. */
  readonly cmdSeen: { data: bigint; cycle: number }[] = [];

  constructor(readonly sim: FwBusSim, opts: EnvOptions = {}) {
    const seed = opts.seed ?? 1;
    for (const a of [...sim.agents] as Agent[]) sim.removeAgent(a);
    this.master = new TimedAxiLiteMaster(sim, { seed, ...opts.timing });
    this.events = new HsSource(sim, 'event', { gap: opts.eventGap ?? 0, seed: seed + 1 });
    this.events.onAccept = (r) => this.eventTaken.push({ data: r.data!, cycle: sim.cycle });
    this.cmds = new HsSink(sim, 'cmd', { backpressure: opts.cmdBackpressure ?? 0, seed: seed + 2 });
    this.cmds.onRecord = (r) => this.cmdSeen.push({ data: r.data!, cycle: sim.cycle });
    this.win = new WindowSlave(sim);
    sim.reset();
    this.drv = new FwBusDriver(this.master, { timeout: 2_000, onAccess: (op) => this.ops.push(op as TimedMmioOp) });
  }
}

export { rng };

/** A random value of `bits` bits. */
export function randomBits(rand: () => number, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i += 16) v |= BigInt(Math.floor(rand() * 65536)) << BigInt(i);
  return v & ((1n << BigInt(bits)) - 1n);
}
