// host_glue's bench: host memory, the AXI4 slave model and the driver on the host side; on the TOE side a
// firmware stand-in (collects both cores' events, issues COPY_IN / HOST_NOTE entries on hreq) and a tx_engine
// stand-in (takes the append stream within a byte budget and answers on sq_app_done).
import type { Sim } from '../../sim/harness.ts';
import { SparseMemory } from '../../sim/host/sparse-memory.ts';
import { AxiMemory } from '../../sim/host/axi-memory.ts';
import { AxiLiteMaster } from '../../sim/host/axil-master.ts';
import { HostDriver, type Completion, type DriverOptions } from '../../sim/host/driver.ts';
import { HsSink, HsSource, type Rec } from '../../sim/host/handshake-agents.ts';
import { decode, encode } from '../../blocks/host/layout-codec.ts';
import { Cpl, CplKind, NoteCpl } from '../../blocks/host/layouts.ts';
import { packRecord, unpackRecord, type FwCommand, type FwEvent } from '../../firmware/api.ts';
import type { NoteCplValues } from './model.ts';

export const RINGS: DriverOptions['rings'] = {
  tx: { base: 0x1_0000, logSize: 5 }, rx: { base: 0x2_0000, logSize: 4 }, cmd: { base: 0x3_0000, logSize: 3 }, cpl: { base: 0x4_0000, logSize: 5 },
};
export const USER_TX = 0x5000_0000;
export const USER_BYTES = 64 * 1024;

const MASK128 = (1n << 128n) - 1n;
export const entryOf = (cmd: FwCommand): bigint => packRecord(cmd, 'command').reduceRight((v, w) => (v << 128n) | w, 0n);
export const eventOf = (data: bigint): FwEvent => unpackRecord([0, 1, 2].map((i) => (data >> BigInt(128 * i)) & MASK128), 'event') as FwEvent;

export class GlueEnv {
  readonly host = new SparseMemory();
  readonly axi: AxiMemory;
  readonly mmio: AxiLiteMaster;
  readonly drv: HostDriver;
  readonly rxEvent: HsSink; readonly txEvent: HsSink;
  readonly hreq: HsSource;
  readonly sqApp: HsSink; readonly sqDone: HsSource;
  readonly reaped: Completion[] = [];
  /** Finished appends as tx_engine took them (bytes beyond the budget dropped), and stream protocol faults. */
  readonly appends: { conn: number; bytes: Uint8Array }[] = [];
  readonly faults: string[] = [];
  /** Appends ended by an empty `last` beat (only a failed host read should need one). */
  emptyLasts = 0;
  budget = Infinity;
  private cur: number[] = [];
  private curConn = -1;

  constructor(readonly sim: Sim<unknown>, seed: number) {
    this.axi = new AxiMemory(sim, this.host, { seed, readLatency: 30 });
    this.mmio = new AxiLiteMaster(sim);
    this.drv = new HostDriver(sim, this.host, this.mmio, { rings: RINGS, irqPort: null });
    this.rxEvent = new HsSink(sim, 'rx_event', { seed: seed + 1 });
    this.txEvent = new HsSink(sim, 'tx_event', { seed: seed + 2 });
    this.hreq = new HsSource(sim, 'hreq', { seed: seed + 3 });
    this.sqApp = new HsSink(sim, 'sq_app', { seed: seed + 4 });
    this.sqDone = new HsSource(sim, 'sq_app_done', { seed: seed + 5 });
    this.sqApp.onRecord = (r) => this.beat(r);
    this.host.write(USER_TX, Uint8Array.from({ length: USER_BYTES }, (_, i) => (i * 131 + (i >> 9) + seed) & 255));
    this.poke('mem_ok', 0);
    this.poke('skb_free_count', 0);
  }

  poke(name: string, v: number): void { this.sim.poke(name as never, v); }
  counter(name: string): number { return Number(this.sim.peek(name as never)); }

  private beat(r: Rec): void {
    const keep = Number(r.keep), last = Number(r.last) === 1, B = 8;
    if (this.curConn >= 0 && Number(r.conn) !== this.curConn) this.faults.push(`conn changed inside an append`);
    this.curConn = Number(r.conn);
    if ((keep & (keep + 1)) !== 0) this.faults.push(`keep 0x${keep.toString(16)} not contiguous from bit 0`);
    if (!last && keep !== (1 << B) - 1) this.faults.push(`a beat before the last is not full (keep 0x${keep.toString(16)})`);
    for (let i = 0; i < B; i++) if ((keep >> i) & 1) this.cur.push(Number((r.data >> BigInt(8 * i)) & 0xffn));
    if (!last) return;
    if (keep === 0) this.emptyLasts++;
    const copied = Math.min(this.cur.length, this.budget);
    const nomem = this.cur.length > this.budget ? 1 : 0;
    this.budget -= copied;
    this.appends.push({ conn: this.curConn, bytes: Uint8Array.from(this.cur.slice(0, copied)) });
    this.sqDone.send({ copied, nomem });
    this.cur = [];
    this.curConn = -1;
  }

  /** Posts TX descriptors and rings the doorbell; returns their ring indices. */
  postSends(descs: { conn: number; addr: number; len: number }[]): number[] {
    const idx = descs.map((d) => this.drv.postTx(d));
    this.drv.doorbell('tx');
    return idx;
  }

  send(cmds: FwCommand[]): void { for (const c of cmds) this.hreq.send({ data: entryOf(c) }); }

  /** Steps until `done`, reaping completions as they appear. */
  runUntil(done: () => boolean, what: string, timeout = 100_000): void {
    const end = this.sim.cycle + timeout;
    while (!done()) {
      if (this.sim.cycle > end) throw new Error(`host_glue: timed out waiting for ${what}`);
      this.sim.step(8);
      this.reap();
    }
  }

  reap(): void {
    const got = this.drv.reap();
    if (got.length) { this.reaped.push(...got); this.drv.ackCompletions(); }
  }

  tx(): FwEvent[] { return this.txEvent.got.map((r) => eventOf(r.data!)); }
  rx(): FwEvent[] { return this.rxEvent.got.map((r) => eventOf(r.data!)); }
  notes(): NoteCplValues[] {
    return this.reaped.filter((c) => c.kind === CplKind.NOTE).map((c) => {
      const n = decode(NoteCpl, encode(Cpl, { ...c, phase: 0 }));
      return { kind: Number(n.kind), note: Number(n.note), status: Number(n.status), req: Number(n.req), conn: Number(n.conn), localPort: Number(n.localPort), arg: Number(n.arg), remotePort: Number(n.remotePort) };
    });
  }
}
