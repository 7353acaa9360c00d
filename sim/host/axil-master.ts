// An AXI4-Lite master for the harness: the host CPU's MMIO register reads and writes, one at a time, in order.
// write()/read() queue an access and return a handle whose `done` turns true (and `value` is set for reads)
// when the slave has answered; a test steps the simulation until then (or calls `sync`).
import type { Agent, Sim } from '../harness.ts';
import type { PortAccess } from '../backend.ts';

export interface MmioOp {
  kind: 'read' | 'write'; addr: number; data: number; done: boolean; value?: number; resp?: number;
  /** The simulation cycle in which the slave took the write's address and data (both handshakes done). */
  acceptedAt?: number;
}

export class AxiLiteMaster implements Agent {
  private readonly p: Record<string, PortAccess>;
  private readonly queue: MmioOp[] = [];
  private cur: MmioOp | undefined;
  private awDone = false; private wDone = false; private arDone = false;
  /** Cycles the current access has taken (a stuck slave shows up as a timeout in `sync`). */
  waited = 0;

  constructor(readonly sim: Sim<unknown>, prefix = 's_axil') {
    const names = ['awaddr', 'awprot', 'awvalid', 'awready', 'wdata', 'wstrb', 'wvalid', 'wready', 'bresp', 'bvalid', 'bready',
      'araddr', 'arprot', 'arvalid', 'arready', 'rdata', 'rresp', 'rvalid', 'rready'];
    this.p = Object.fromEntries(names.map((n) => [n, sim.port(`${prefix}_${n}` as never)]));
    for (const n of ['awvalid', 'wvalid', 'bready', 'arvalid', 'rready', 'awprot', 'arprot']) this.p[n]!.set(0);
    this.p.wstrb!.set(0xf);
    sim.addAgent(this);
  }

  write(addr: number, data: number): MmioOp { const op: MmioOp = { kind: 'write', addr, data: data >>> 0, done: false }; this.queue.push(op); return op; }
  read(addr: number): MmioOp { const op: MmioOp = { kind: 'read', addr, data: 0, done: false }; this.queue.push(op); return op; }
  get idle(): boolean { return !this.cur && this.queue.length === 0; }

  /** Steps the simulation until every queued access is done. */
  sync(timeout = 10_000): void { this.sim.until(() => this.idle, { timeout, what: 'AXI4-Lite accesses' }); }

  /** A register read, waiting for the answer. */
  readNow(addr: number, timeout = 10_000): number {
    const op = this.read(addr);
    this.sim.until(() => op.done, { timeout, what: `AXI4-Lite read of 0x${addr.toString(16)}` });
    return op.value!;
  }
  writeNow(addr: number, data: number, timeout = 10_000): void {
    const op = this.write(addr, data);
    this.sim.until(() => op.done, { timeout, what: `AXI4-Lite write of 0x${addr.toString(16)}` });
  }

  drive(): void {
    if (!this.cur && this.queue.length) {
      this.cur = this.queue.shift()!;
      this.awDone = this.wDone = this.arDone = false;
      this.waited = 0;
    }
    const op = this.cur, p = this.p;
    const w = op?.kind === 'write', r = op?.kind === 'read';
    p.awvalid!.set(w && !this.awDone ? 1 : 0);
    p.awaddr!.set(op?.addr ?? 0);
    p.wvalid!.set(w && !this.wDone ? 1 : 0);
    p.wdata!.set(op?.data ?? 0);
    p.bready!.set(w && this.awDone && this.wDone ? 1 : 0);
    p.arvalid!.set(r && !this.arDone ? 1 : 0);
    p.araddr!.set(op?.addr ?? 0);
    p.rready!.set(r && this.arDone ? 1 : 0);
  }

  sample(): void {
    const op = this.cur, p = this.p;
    if (!op) return;
    this.waited++;
    if (op.kind === 'write') {
      const bNow = this.awDone && this.wDone && Number(p.bvalid!.get());
      if (!this.awDone && Number(p.awready!.get())) this.awDone = true;
      if (!this.wDone && Number(p.wready!.get())) this.wDone = true;
      if (this.awDone && this.wDone && op.acceptedAt === undefined) op.acceptedAt = this.sim.cycle;
      if (bNow) { op.resp = Number(p.bresp!.get()); op.done = true; this.cur = undefined; }
    } else {
      const rNow = this.arDone && Number(p.rvalid!.get());
      if (!this.arDone && Number(p.arready!.get())) this.arDone = true;
      if (rNow) { op.value = Number(p.rdata!.get()) >>> 0; op.resp = Number(p.rresp!.get()); op.done = true; this.cur = undefined; }
    }
  }
}
