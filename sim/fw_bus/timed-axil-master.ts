// An AXI4-Lite master with random timing and byte strobes, for testing slaves under the timing a real core
// and interconnect produce: random delays before awvalid, wvalid and arvalid (each independently, so W may lead
// AW), random bready/rready backpressure, and a per-write wstrb. It checks the slave's side of the protocol as it
// goes: a response appears only after its request was taken, and holds still (valid, resp, rdata) until taken.
// Same handle type and in-order semantics as sim/host/axil-master.ts (which has fixed timing and full strobes).
import type { Agent, Sim } from '../harness.ts';
import type { PortAccess } from '../backend.ts';
import { Xorshift } from '../stream-models.ts';
import type { MmioOp } from '../host/axil-master.ts';

export interface TimedMmioOp extends MmioOp {
  /** Byte strobes of a write. */
  strb: number;
  /** Cycle the master started the access (raised its first valid, or would have without the delay). */
  startedAt?: number;
  /** Cycle the slave took the read address. */
  arAcceptedAt?: number;
  /** Cycle the slave first offered the response (bvalid or rvalid). */
  respondedAt?: number;
  /** Cycle the response was taken. */
  doneAt?: number;
}

export interface AxiTiming {
  /** Largest random delay, in cycles, before each of awvalid, wvalid, arvalid rises (0: none). */
  validDelay?: number;
  /** Probability that bready or rready is low in a cycle. */
  backpressure?: number;
  seed?: number;
}

/** The minimal master interface the firmware-bus driver needs; sim/host's AxiLiteMaster also fits it. */
export interface AxiLiteBus {
  readonly sim: Sim<unknown>;
  read(addr: number): MmioOp;
  write(addr: number, data: number): MmioOp;
}

export class AxiProtocolError extends Error {}

export class TimedAxiLiteMaster implements Agent, AxiLiteBus {
  private readonly p: Record<string, PortAccess>;
  private readonly queue: TimedMmioOp[] = [];
  private cur: TimedMmioOp | undefined;
  private awDone = false; private wDone = false; private arDone = false;
  private awWait = 0; private wWait = 0; private arWait = 0;
  private ready = false;
  /** The response seen last cycle while not taken, which must still be offered unchanged. */
  private held: { valid: boolean; resp: number; data: number } | undefined;
  private readonly rng: Xorshift;
  timing: AxiTiming;

  constructor(readonly sim: Sim<unknown>, timing: AxiTiming = {}, prefix = 's_axil') {
    this.timing = timing;
    this.rng = new Xorshift(timing.seed ?? 1);
    const names = ['awaddr', 'awprot', 'awvalid', 'awready', 'wdata', 'wstrb', 'wvalid', 'wready', 'bresp', 'bvalid', 'bready',
      'araddr', 'arprot', 'arvalid', 'arready', 'rdata', 'rresp', 'rvalid', 'rready'];
    this.p = Object.fromEntries(names.map((n) => [n, sim.port(`${prefix}_${n}` as never)]));
    for (const n of ['awvalid', 'wvalid', 'bready', 'arvalid', 'rready', 'awprot', 'arprot', 'wstrb']) this.p[n]!.set(0);
    sim.addAgent(this);
  }

  write(addr: number, data: number, strb = 0xf): TimedMmioOp {
    const op: TimedMmioOp = { kind: 'write', addr, data: data >>> 0, strb, done: false };
    this.queue.push(op);
    return op;
  }
  read(addr: number): TimedMmioOp {
    const op: TimedMmioOp = { kind: 'read', addr, data: 0, strb: 0, done: false };
    this.queue.push(op);
    return op;
  }
  get idle(): boolean { return !this.cur && this.queue.length === 0; }

  /** Stops acting and releases the bus (to hand the simulator to another master). */
  detach(): void {
    this.sim.removeAgent(this);
    for (const n of ['awvalid', 'wvalid', 'bready', 'arvalid', 'rready']) this.p[n]!.set(0);
  }

  private delay(): number {
    const d = this.timing.validDelay ?? 0;
    return d > 0 ? Math.floor(this.rng.next() * (d + 1)) : 0;
  }

  drive(): void {
    if (!this.cur && this.queue.length) {
      this.cur = this.queue.shift()!;
      this.cur.startedAt = this.sim.cycle;
      this.awDone = this.wDone = this.arDone = false;
      this.awWait = this.delay(); this.wWait = this.delay(); this.arWait = this.delay();
    }
    const op = this.cur, p = this.p;
    const w = op?.kind === 'write', r = op?.kind === 'read';
    // A valid, once raised, stays high until its handshake (the delay only postpones the rise).
    p.awvalid!.set(w && !this.awDone && this.awWait === 0 ? 1 : 0);
    p.awaddr!.set(w ? op.addr : 0);
    p.wvalid!.set(w && !this.wDone && this.wWait === 0 ? 1 : 0);
    p.wdata!.set(w ? op.data : 0);
    p.wstrb!.set(w ? op.strb : 0);
    p.arvalid!.set(r && !this.arDone && this.arWait === 0 ? 1 : 0);
    p.araddr!.set(r ? op.addr : 0);
    const bp = this.timing.backpressure ?? 0;
    this.ready = !!op && !(bp > 0 && this.rng.next() < bp);
    p.bready!.set(w && this.ready ? 1 : 0);
    p.rready!.set(r && this.ready ? 1 : 0);
  }

  sample(): void {
    const op = this.cur, p = this.p;
    const bvalid = !!Number(p.bvalid!.get()), rvalid = !!Number(p.rvalid!.get());
    const at = `cycle ${this.sim.cycle}`;
    if (!op) {
      if (bvalid || rvalid) throw new AxiProtocolError(`${at}: ${bvalid ? 'bvalid' : 'rvalid'} with no access outstanding`);
      return;
    }
    const isWrite = op.kind === 'write';
    if (isWrite && rvalid) throw new AxiProtocolError(`${at}: rvalid during a write`);
    if (!isWrite && bvalid) throw new AxiProtocolError(`${at}: bvalid during a read`);
    const valid = isWrite ? bvalid : rvalid;
    const resp = Number(isWrite ? p.bresp!.get() : p.rresp!.get());
    const data = isWrite ? 0 : Number(p.rdata!.get()) >>> 0;
    if (this.held && (!valid || resp !== this.held.resp || data !== this.held.data)) {
      throw new AxiProtocolError(`${at}: a stalled response changed (was resp ${this.held.resp} data 0x${this.held.data.toString(16)}, now valid ${valid} resp ${resp} data 0x${data.toString(16)})`);
    }
    if (valid && (isWrite ? !(this.awDone && this.wDone) : !this.arDone)) {
      throw new AxiProtocolError(`${at}: a response before the ${isWrite ? 'write address and data were' : 'read address was'} taken`);
    }
    if (valid && op.respondedAt === undefined) op.respondedAt = this.sim.cycle;
    if (isWrite) {
      if (!this.awDone && Number(p.awvalid!.get()) && Number(p.awready!.get())) this.awDone = true;
      if (!this.wDone && Number(p.wvalid!.get()) && Number(p.wready!.get())) this.wDone = true;
      if (this.awDone && this.wDone && op.acceptedAt === undefined) op.acceptedAt = this.sim.cycle;
    } else if (!this.arDone && Number(p.arvalid!.get()) && Number(p.arready!.get())) {
      this.arDone = true;
      op.arAcceptedAt = op.acceptedAt = this.sim.cycle;
    }
    if (this.awWait > 0) this.awWait--;
    if (this.wWait > 0) this.wWait--;
    if (this.arWait > 0) this.arWait--;
    if (valid && this.ready) {
      op.resp = resp;
      if (!isWrite) op.value = data;
      op.done = true;
      op.doneAt = this.sim.cycle;
      this.cur = undefined;
      this.held = undefined;
    } else {
      this.held = valid ? { valid, resp, data } : undefined;
    }
  }
}
