// The host driver model: owns the descriptor and completion rings in host memory, posts descriptors (the
// driver's CPU writes straight into its RAM), rings doorbells and acknowledges completions through AXI4-Lite
// register writes, reaps completions by their phase bit, and counts interrupts, re-arming after each.
// Layouts and register addresses come from blocks/host/layouts.ts, the same definitions the RTL uses.
import type { Agent, Sim } from '../harness.ts';
import type { PortAccess } from '../backend.ts';
import { SparseMemory } from './sparse-memory.ts';
import { AxiLiteMaster } from './axil-master.ts';
import { decode, encode, toWord } from '../../blocks/host/layout-codec.ts';
import { CmdDesc, Cpl, CtrlBits, RingId, RxDesc, TxDesc, regAddr } from '../../blocks/host/layouts.ts';

export interface RingSetup { base: number; logSize: number }
export type HostRing = 'tx' | 'rx' | 'cmd';
export interface Completion { kind: number; status: number; ring: number; flags: number; index: number; conn: number; len: number; csum: number }

export interface DriverOptions {
  rings: Record<HostRing | 'cpl', RingSetup>;
  /** Interrupt coalescing: completions per interrupt and timeout cycles. */
  irqCount?: number;
  irqTime?: number;
  /** Port of the interrupt output (default 'irq'); none to poll only. */
  irqPort?: string | null;
}

const ringId: Record<HostRing, number> = { tx: RingId.TX, rx: RingId.RX, cmd: RingId.CMD };
const DESC = 16;

export class HostDriver implements Agent {
  readonly prod: Record<HostRing, number> = { tx: 0, rx: 0, cmd: 0 };
  cplCons = 0;
  interrupts = 0;
  private irqSeen = false;
  private readonly irq: PortAccess | undefined;

  constructor(readonly sim: Sim<unknown>, readonly mem: SparseMemory, readonly mmio: AxiLiteMaster, readonly opts: DriverOptions) {
    const port = opts.irqPort === undefined ? 'irq' : opts.irqPort;
    if (port) { this.irq = sim.port(port as never); sim.addAgent(this); }
  }

  size(r: HostRing | 'cpl'): number { return 1 << this.opts.rings[r].logSize; }

  /** Programs the rings and interrupt settings, zeroes the completion ring, enables and arms. Waits for the writes. */
  init(): void {
    const m = this.mmio;
    m.write(regAddr('CTRL'), 0);
    this.mem.write(this.opts.rings.cpl.base, new Uint8Array(this.size('cpl') * 16));
    for (const [name, id] of [['tx', RingId.TX], ['rx', RingId.RX], ['cmd', RingId.CMD], ['cpl', RingId.CPL]] as const) {
      const r = this.opts.rings[name];
      m.write(regAddr('BASE_LO', id), r.base % 2 ** 32);
      m.write(regAddr('BASE_HI', id), Math.floor(r.base / 2 ** 32));
      m.write(regAddr('LOG_SIZE', id), r.logSize);
    }
    m.write(regAddr('IRQ_COUNT'), this.opts.irqCount ?? 1);
    m.write(regAddr('IRQ_TIME'), this.opts.irqTime ?? 1000);
    m.write(regAddr('CTRL'), toWord(CtrlBits, { enable: 1, irqArm: 1 }));
    m.sync();
    this.prod.tx = this.prod.rx = this.prod.cmd = 0;
    this.cplCons = 0;
  }

  private put(r: HostRing, bytes: Uint8Array): number {
    const index = this.prod[r];
    const slot = index & (this.size(r) - 1);
    this.mem.write(this.opts.rings[r].base + slot * DESC, bytes);
    this.prod[r] = (index + 1) & 0xffff;
    return index;
  }

  /** Entries posted but not yet fetched by the NIC (given its CONS): the ring may hold at most its size. */
  outstanding(r: HostRing, fetched: number): number { return (this.prod[r] - fetched) & 0xffff; }

  postTx(d: { addr: number | bigint; len: number; conn?: number; flags?: number }): number { return this.put('tx', encode(TxDesc, { conn: 0, flags: 0, ...d })); }
  postRx(d: { addr: number | bigint; len: number }): number { return this.put('rx', encode(RxDesc, d)); }
  postCmd(d: Partial<Record<(typeof CmdDesc.fields)[number]['name'], number>>): number { return this.put('cmd', encode(CmdDesc, d)); }

  /** Writes the ring's producer index (queued MMIO; `value` overrides, to test bad doorbells). */
  doorbell(r: HostRing, value?: number): void {
    const v = value ?? this.prod[r];
    this.mmio.write(regAddr('PROD', ringId[r]), v);
  }

  /** The NIC's fetch pointer of a ring (an MMIO read, waited for). */
  fetched(r: HostRing): number { return this.mmio.readNow(regAddr('CONS', ringId[r])); }

  /** Completions the NIC has made visible since the last reap, in ring order (by phase bit). */
  reap(max = Infinity): Completion[] {
    const out: Completion[] = [];
    const ring = this.opts.rings.cpl, size = this.size('cpl');
    while (out.length < max) {
      const slot = this.cplCons & (size - 1);
      const phase = ((this.cplCons >> ring.logSize) & 1) === 0 ? 1 : 0;
      const c = decode(Cpl, this.mem.read(ring.base + slot * 16, 16));
      if (Number(c.phase) !== phase) break;
      out.push({ kind: Number(c.kind), status: Number(c.status), ring: Number(c.ring), flags: Number(c.flags), index: Number(c.index), conn: Number(c.conn), len: Number(c.len), csum: Number(c.csum) });
      this.cplCons = (this.cplCons + 1) & 0xffff;
    }
    return out;
  }

  /** Tells the NIC the reaped entries are free (queued MMIO write of the completion ring's CONS). */
  ackCompletions(): void { this.mmio.write(regAddr('CONS', RingId.CPL), this.cplCons); }

  /** Re-arms the interrupt (queued MMIO write). */
  rearm(): void { this.mmio.write(regAddr('CTRL'), toWord(CtrlBits, { enable: 1, irqArm: 1 })); }

  /** An interrupt arrived since the last call (and the count of all so far is in `interrupts`). */
  takeInterrupt(): boolean { const s = this.irqSeen; this.irqSeen = false; return s; }

  sample(): void {
    if (this.irq && Number(this.irq.get())) { this.interrupts++; this.irqSeen = true; }
  }
}
