// The firmware side of the firmware bus: what an embedded core's code does through its AXI4-Lite port, as
// blocking calls over a master model (sim/host/axil-master.ts, or the timed master here). Registers are
// addressed through blocks/fw_bus/regmap.ts. Every access is counted with the bus cycles it took, so a
// firmware model can charge its core for them.
import type { MmioOp } from '../host/axil-master.ts';
import {
  AxiResp, ConfigFields, FW_BUS_ID, WINDOW_ADDR_BITS, WINDOW_BASE, fieldOf, regAddr, type RegName,
} from '../../blocks/fw_bus/regmap.ts';
import type { AxiLiteBus } from './timed-axil-master.ts';

const respName = (r: number | undefined) => (r === AxiResp.OKAY ? 'OKAY' : r === AxiResp.SLVERR ? 'SLVERR' : r === AxiResp.DECERR ? 'DECERR' : `resp ${r}`);

/** An access answered other than OKAY where the caller expected OKAY. */
export class FwBusError extends Error {
  constructor(readonly op: MmioOp, what: string) {
    super(`${what}: ${op.kind} of 0x${op.addr.toString(16)} answered ${respName(op.resp)}`);
  }
}

export interface BusStats {
  reads: number;
  writes: number;
  /** Bus cycles spent in accesses, from issue to the response (accesses are serial, so this is wall time). */
  cycles: number;
  /** Accesses answered SLVERR or DECERR. */
  errors: number;
}

export interface FwBusConfig { eventWords: number; commandWords: number; eventDepth: number; commandDepth: number }

export interface DriverOptions {
  /** Byte address of the firmware bus on the master's bus (default 0). */
  base?: number;
  /** Cycles to wait for one access before declaring the bus hung. */
  timeout?: number;
  /** Called after every access with the cycles it took (for a firmware model's cycle accounting). */
  onAccess?: (op: MmioOp, cycles: number) => void;
}

export class FwBusDriver {
  readonly stats: BusStats = { reads: 0, writes: 0, cycles: 0, errors: 0 };
  /** The last access made (its cycle stamps, with the timed master). */
  last: MmioOp | undefined;
  private cfg: FwBusConfig | undefined;
  /** What the driver last wrote to each CMD_DATA word (the block keeps it after a push). */
  private staged: (number | undefined)[] = [];
  private readonly base: number;
  private readonly timeout: number;

  constructor(readonly bus: AxiLiteBus, private readonly opts: DriverOptions = {}) {
    this.base = opts.base ?? 0;
    this.timeout = opts.timeout ?? 10_000;
  }

  /** One access, waited for; returns the handle with its response. */
  access(kind: 'read' | 'write', offset: number, data = 0): MmioOp {
    const sim = this.bus.sim;
    const start = sim.cycle;
    const op = kind === 'read' ? this.bus.read(this.base + offset) : this.bus.write(this.base + offset, data);
    sim.until(() => op.done, { timeout: this.timeout, what: `firmware-bus ${kind} of 0x${offset.toString(16)}` });
    const cycles = sim.cycle - start;
    this.stats.cycles += cycles;
    if (kind === 'read') this.stats.reads++; else this.stats.writes++;
    if (op.resp !== AxiResp.OKAY) this.stats.errors++;
    this.last = op;
    this.opts.onAccess?.(op, cycles);
    return op;
  }

  /** Reads a register, throwing unless OKAY. */
  read(name: RegName, index = 0): number {
    const op = this.access('read', regAddr(name, index));
    if (op.resp !== AxiResp.OKAY) throw new FwBusError(op, `reading ${name}`);
    return op.value!;
  }

  /** Writes a register, throwing unless OKAY. */
  write(name: RegName, value: number, index = 0): void {
    const op = this.access('write', regAddr(name, index), value);
    if (op.resp !== AxiResp.OKAY) throw new FwBusError(op, `writing ${name}`);
  }

  /** Checks the ID and reads the instance's configuration. */
  init(): FwBusConfig {
    const id = this.read('ID');
    if (id !== FW_BUS_ID) throw new Error(`no firmware bus at 0x${this.base.toString(16)}: ID reads 0x${id.toString(16)}`);
    const c = this.read('CONFIG');
    this.cfg = {
      eventWords: fieldOf(ConfigFields, 'eventWords', c), commandWords: fieldOf(ConfigFields, 'commandWords', c),
      eventDepth: 2 ** fieldOf(ConfigFields, 'eventDepthLog2', c), commandDepth: 2 ** fieldOf(ConfigFields, 'commandDepthLog2', c),
    };
    this.staged = [];
    return this.cfg;
  }

  /** The instance's configuration (read by init(), which the first event or command access calls if needed). */
  get config(): FwBusConfig {
    return this.cfg ?? this.init();
  }

  eventCount(): number { return this.read('EVENT_COUNT'); }
  commandSpace(): number { return this.read('CMD_SPACE'); }

  /** The oldest event, removed from the queue; undefined when none waits. EVENT_COUNT, the words, EVENT_POP. */
  popEvent(): bigint | undefined {
    if (this.eventCount() === 0) return undefined;
    let v = 0n;
    for (let i = 0; i < this.config.eventWords; i++) v |= BigInt(this.read('EVENT_DATA', i)) << BigInt(32 * i);
    this.write('EVENT_POP', 0);
    return v;
  }

  /**
   * Queues a command: writes the CMD_DATA words that differ from the last ones written, then CMD_PUSH.
   * Returns false when the queue was full (the push refused; CMD_DATA stays staged for a retry).
   */
  pushCommand(bits: bigint): boolean {
    const { commandWords } = this.config;
    if (bits < 0n || bits >> BigInt(32 * commandWords) !== 0n) throw new Error(`command 0x${bits.toString(16)} does not fit in ${commandWords} words`);
    for (let i = 0; i < commandWords; i++) {
      const w = Number((bits >> BigInt(32 * i)) & 0xffff_ffffn);
      if (this.staged[i] === w) continue;
      this.write('CMD_DATA', w, i);
      this.staged[i] = w;
    }
    const op = this.access('write', regAddr('CMD_PUSH'), 0);
    if (op.resp === AxiResp.SLVERR) return false;
    if (op.resp !== AxiResp.OKAY) throw new FwBusError(op, 'pushing a command');
    return true;
  }

  /** Byte offset of window word `index`. */
  static windowOffset(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= 1 << WINDOW_ADDR_BITS) throw new Error(`window word ${index} out of range`);
    return WINDOW_BASE + 4 * index;
  }

  /** Reads window word `index`, throwing FwBusError on SLVERR (an error response or the timeout). */
  readWindow(index: number): number {
    const op = this.access('read', FwBusDriver.windowOffset(index));
    if (op.resp !== AxiResp.OKAY) throw new FwBusError(op, `reading window word ${index}`);
    return op.value!;
  }

  /** Writes window word `index`, throwing FwBusError on SLVERR. */
  writeWindow(index: number, value: number): void {
    const op = this.access('write', FwBusDriver.windowOffset(index), value);
    if (op.resp !== AxiResp.OKAY) throw new FwBusError(op, `writing window word ${index}`);
  }
}
