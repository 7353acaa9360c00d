// The host interface's end-to-end bench: host memory and the driver on one side; NIC buffer memory, a skb
// manager stand-in (free TX buffers, received payloads) and a firmware stand-in (answers every command) on the
// other. Sends and receives are described as data, run, and checked against the reference model.
import fc from 'fast-check';
import type { Sim } from '../../sim/harness.ts';
import { SparseMemory } from '../../sim/host/sparse-memory.ts';
import { AxiMemory } from '../../sim/host/axi-memory.ts';
import { NicMemory } from '../../sim/host/nic-memory.ts';
import { AxiLiteMaster } from '../../sim/host/axil-master.ts';
import { HostDriver, type Completion, type DriverOptions } from '../../sim/host/driver.ts';
import { HsSink, HsSource, type Rec } from '../../sim/host/handshake-agents.ts';
import { CplFlags, CplKind, CplStatus, RingId, TxFlags } from '../../blocks/host/layouts.ts';
import { checksumPartial } from '../../sim/packet/index.ts';
import { sha } from './model.ts';

export const RINGS: DriverOptions['rings'] = {
  tx: { base: 0x1_0000, logSize: 4 }, rx: { base: 0x2_0000, logSize: 4 }, cmd: { base: 0x3_0000, logSize: 2 }, cpl: { base: 0x4_0000, logSize: 5 },
};
export const USER_TX = 0x5000_0000; // user send buffers (random bytes)
export const USER_RX = 0x6000_0000; // user receive buffers
export const NIC_TX = 0x10_0000; // NIC send buffers, one per chain
export const NIC_TX_STRIDE = 0x8000;
export const NIC_RX = 0x80_0000; // received payload waiting for the host
export const TX_BYTES = 256 * 1024;

export interface Fragment { addr: number; len: number }
export interface Chain { conn: number; flags: number; frags: Fragment[] }
export interface Payload { conn: number; addr: number; bytes: Uint8Array }
export interface RxBuffer { addr: number; len: number }

export class HostIfEnv {
  readonly host = new SparseMemory();
  readonly nic = new SparseMemory();
  readonly axi: AxiMemory;
  readonly nicMem: NicMemory;
  readonly mmio: AxiLiteMaster;
  readonly drv: HostDriver;
  readonly txBuf: HsSource; readonly txData: HsSink;
  readonly rxData: HsSource; readonly rxFree: HsSink;
  readonly cmdDesc: HsSink; readonly cmdCpl: HsSource;
  readonly reaped: Completion[] = [];

  constructor(readonly sim: Sim<unknown>, seed: number) {
    this.axi = new AxiMemory(sim, this.host, { seed, readLatency: 40 });
    this.nicMem = new NicMemory(sim, this.nic, { seed: seed + 1 });
    this.mmio = new AxiLiteMaster(sim);
    this.drv = new HostDriver(sim, this.host, this.mmio, { rings: RINGS, irqCount: 4, irqTime: 200 });
    this.txBuf = new HsSource(sim, 'tx_buf', { seed: seed + 2 });
    this.txData = new HsSink(sim, 'tx_data', { seed: seed + 3 });
    this.rxData = new HsSource(sim, 'rx_data', { seed: seed + 4 });
    this.rxFree = new HsSink(sim, 'rx_free', { seed: seed + 5 });
    this.cmdDesc = new HsSink(sim, 'cmd_desc', { seed: seed + 6 });
    this.cmdCpl = new HsSource(sim, 'cmd_cpl', { seed: seed + 7 });
    // The firmware stand-in answers each command with a completion.
    this.cmdDesc.onRecord = (r) => this.cmdCpl.send({ kind: CplKind.CMD, ring: RingId.CMD, index: r.index!, conn: r.conn! });
    this.host.write(USER_TX, Uint8Array.from(fc.sample(fc.integer({ min: 0, max: 255 }), { numRuns: TX_BYTES, seed })));
  }

  /**
   * Posts the sends, receive buffers and commands as the rings have room (judged by completions, which every
   * descriptor of theirs eventually gets), services interrupts, and waits until everything is answered.
   */
  run(chains: Chain[], payloads: Payload[], buffers: RxBuffer[], commands: number, opts: { timeout?: number; badDoorbell?: boolean } = {}): RunResult {
    chains.forEach((_, i) => this.txBuf.send({ addr: NIC_TX + i * NIC_TX_STRIDE }));
    payloads.forEach((p) => { this.nic.write(p.addr, p.bytes); this.rxData.send({ conn: p.conn, addr: p.addr, len: p.bytes.length }); });
    const hostBefore = this.host.snapshot(), nicBefore = this.nic.snapshot();
    const txDescs = chains.flatMap((c) => c.frags.map((f, k) => ({ ...f, conn: c.conn, flags: k < c.frags.length - 1 ? TxFlags.MORE | c.flags : c.flags })));
    const used = usedBuffers(payloads, buffers);
    const posted = { tx: 0, rx: 0, cmd: 0 };
    const answered = (ring: number) => this.reaped.filter((c) => c.ring === ring && c.kind !== CplKind.ERROR).length;
    const want = txDescs.length + used + commands + (opts.badDoorbell ? 1 : 0);
    const end = this.sim.cycle + (opts.timeout ?? 200_000);
    let badDone = !opts.badDoorbell;
    while (this.reaped.length < want || this.txData.got.length < chains.length || this.rxFree.got.length < payloads.length) {
      if (this.sim.cycle > end) throw new Error(`host_if run: ${this.reaped.length}/${want} completions, ${this.txData.got.length}/${chains.length} sends, ${this.rxFree.got.length}/${payloads.length} frees after ${opts.timeout ?? 200_000} cycles`);
      const room = (r: 'tx' | 'rx' | 'cmd', id: number) => (1 << RINGS[r].logSize) - (posted[r] - answered(id));
      let n = 0;
      while (posted.tx < txDescs.length && room('tx', RingId.TX) > 0 && n++ < 4) this.drv.postTx(txDescs[posted.tx++]!);
      if (n) this.drv.doorbell('tx');
      n = 0;
      while (posted.rx < used && room('rx', RingId.RX) > 0 && n++ < 4) this.drv.postRx(buffers[posted.rx++]!);
      if (n) this.drv.doorbell('rx');
      if (!badDone && posted.rx > 0) { this.drv.doorbell('rx', (posted.rx + 100) & 0xffff); badDone = true; }
      if (posted.cmd < commands && room('cmd', RingId.CMD) > 0) { this.drv.postCmd({ opcode: 1 + (posted.cmd % 4), conn: posted.cmd, localPort: 1000 + posted.cmd }); posted.cmd++; this.drv.doorbell('cmd'); }
      this.sim.step(16);
      if (this.drv.takeInterrupt()) {
        const got = this.drv.reap();
        this.reaped.push(...got);
        if (got.length) this.drv.ackCompletions();
        this.drv.rearm();
      }
    }
    this.sim.step(50);
    return { txDescs, hostBefore, nicBefore, used };
  }

  /** Checks every send, receive and completion of a run against the model; returns the problems. */
  check(chains: Chain[], payloads: Payload[], buffers: RxBuffer[], r: RunResult, errors: { txStatus?: Map<number, number>; rxStatus?: Map<number, number> } = {}): string[] {
    const problems: string[] = [];
    const cpl = (kind: number) => this.reaped.filter((c) => c.kind === kind).sort((a, b) => a.index - b.index);
    // Sends: each descriptor's completion, each chain's hand-over and its bytes in its NIC buffer.
    const txCpl = cpl(CplKind.TX);
    r.txDescs.forEach((d, i) => {
      const c = txCpl[i];
      const status = errors.txStatus?.get(i) ?? CplStatus.OK;
      const bytes = this.host.read(d.addr, d.len);
      if (!c || c.index !== i) { problems.push(`TX descriptor ${i}: no completion`); return; }
      if (c.status !== status) problems.push(`TX descriptor ${i}: status ${c.status}, expected ${status}`);
      if (status === CplStatus.OK && (c.len !== d.len || c.conn !== d.conn || c.csum !== checksumPartial(bytes))) problems.push(`TX descriptor ${i}: completion ${JSON.stringify(c)} (len ${d.len}, conn ${d.conn}, csum ${checksumPartial(bytes)})`);
    });
    let k = 0;
    chains.forEach((ch, i) => {
      const got = this.txData.got[i];
      const ids = ch.frags.map(() => k++);
      const failed = ids.some((id) => (errors.txStatus?.get(id) ?? 0) !== 0);
      const good = ch.frags.filter((_, j) => ![CplStatus.ZERO_LEN, CplStatus.OUT_OF_RANGE].includes((errors.txStatus?.get(ids[j]!) ?? 0) as 4));
      const data = concat(good.map((f) => this.host.read(f.addr, f.len)));
      if (!got) { problems.push(`chain ${i}: no tx_data`); return; }
      const where = `chain ${i} (${ch.frags.map((f) => f.len).join('+')} B)`;
      if (Number(got.addr) !== NIC_TX + i * NIC_TX_STRIDE || Number(got.conn) !== ch.conn || Number(got.flags) !== ch.flags) problems.push(`${where}: tx_data ${fmt(got)}`);
      if (Number(got.error) !== (failed ? 1 : 0)) problems.push(`${where}: error ${got.error}, expected ${failed ? 1 : 0}`);
      if (!failed) {
        if (Number(got.len) !== data.length) problems.push(`${where}: len ${got.len}`);
        if (Number(got.csum) !== checksumPartial(data)) problems.push(`${where}: csum ${got.csum}, expected ${checksumPartial(data)}`);
        if (sha(this.nic.read(NIC_TX + i * NIC_TX_STRIDE, data.length)) !== sha(data)) problems.push(`${where}: NIC buffer differs from the user's bytes`);
      }
    });
    // Receives: payloads fill posted buffers in order, one completion per buffer, MORE until the payload's last.
    const rxCpl = cpl(CplKind.RX);
    let b = 0;
    payloads.forEach((p, i) => {
      let off = 0;
      while (off < p.bytes.length) {
        const buf = buffers[b]!, c = rxCpl[b];
        const n = Math.min(buf.len, p.bytes.length - off);
        const chunk = p.bytes.subarray(off, off + n);
        const status = errors.rxStatus?.get(b) ?? 0;
        off += n;
        const where = `payload ${i} buffer ${b}`;
        if (!c || c.index !== b) { problems.push(`${where}: no completion`); b++; continue; }
        const flags = off < p.bytes.length ? CplFlags.MORE : 0;
        if (c.status !== status || c.len !== n || c.flags !== flags || c.conn !== p.conn) problems.push(`${where}: completion ${JSON.stringify(c)}, expected len ${n} flags ${flags} status ${status}`);
        if (c.csum !== checksumPartial(chunk)) problems.push(`${where}: csum ${c.csum}, expected ${checksumPartial(chunk)}`);
        if (status === 0 && sha(this.host.read(buf.addr, n)) !== sha(chunk)) problems.push(`${where}: user buffer differs from the payload`);
        b++;
      }
      const f = this.rxFree.got[i];
      if (!f || Number(f.addr) !== p.addr || Number(f.len) !== p.bytes.length || Number(f.conn) !== p.conn) problems.push(`payload ${i}: rx_free ${f ? fmt(f) : 'missing'}`);
    });
    if (rxCpl.length !== r.used) problems.push(`${rxCpl.length} RX completions for ${r.used} buffers`);
    // Nothing else touched: host memory outside the used parts of RX buffers and the rings, NIC memory outside the sends.
    const ringAreas = Object.values(RINGS).map((x) => [x.base, x.base + 16 * (1 << x.logSize)] as const);
    const rxAreas: (readonly [number, number])[] = [];
    { let bb = 0; for (const p of payloads) { let off = 0; while (off < p.bytes.length) { const n = Math.min(buffers[bb]!.len, p.bytes.length - off); rxAreas.push([buffers[bb]!.addr, buffers[bb]!.addr + n]); off += n; bb++; } } }
    const hostStray = this.host.changedOutside(r.hostBefore, [...ringAreas, ...rxAreas]);
    const nicStray = this.nic.changedOutside(r.nicBefore, chains.map((_, i) => [NIC_TX + i * NIC_TX_STRIDE, NIC_TX + i * NIC_TX_STRIDE + 3 * 4096] as const));
    if (hostStray.length) problems.push(`host memory changed outside the RX buffers' used bytes and the rings at ${hostStray.slice(0, 4).map((a) => `0x${a.toString(16)}`).join(', ')}`);
    if (nicStray.length) problems.push(`NIC memory changed outside the send buffers at ${nicStray.slice(0, 4).map((a) => `0x${a.toString(16)}`).join(', ')}`);
    return problems;
  }
}

export interface RunResult { txDescs: (Fragment & { conn: number; flags: number })[]; hostBefore: Map<number, Uint8Array>; nicBefore: Map<number, Uint8Array>; used: number }

const fmt = (r: Rec) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])));
const concat = (xs: Uint8Array[]) => { const out = new Uint8Array(xs.reduce((s, x) => s + x.length, 0)); let o = 0; for (const x of xs) { out.set(x, o); o += x.length; } return out; };

/** How many posted buffers the payloads use: each payload starts in a fresh buffer. */
export function usedBuffers(payloads: Payload[], buffers: RxBuffer[]): number {
  let b = 0;
  for (const p of payloads) { let left = p.bytes.length; while (left > 0) { left -= Math.min(left, buffers[b]!.len); b++; } }
  return b;
}

/** Random sends (chains of 1-3 fragments anywhere in the user area), payloads, and enough receive buffers. */
export function randomWorkload(n: number, seed: number): { chains: Chain[]; payloads: Payload[]; buffers: RxBuffer[] } {
  const frag = fc.record({ addr: fc.integer({ min: USER_TX, max: USER_TX + TX_BYTES - 3000 }), len: fc.integer({ min: 1, max: 2500 }) });
  const chains = fc.sample(fc.record({ conn: fc.integer({ min: 0, max: 65535 }), flags: fc.constantFrom(0, TxFlags.PSH, TxFlags.FIN), frags: fc.array(frag, { minLength: 1, maxLength: 3 }) }), { numRuns: n, seed });
  const payloads = fc.sample(fc.record({ conn: fc.integer({ min: 0, max: 65535 }), len: fc.integer({ min: 1, max: 5000 }), fill: fc.integer({ min: 0, max: 2 ** 31 }) }), { numRuns: n, seed: seed + 1 })
    .map((x, i) => ({ conn: x.conn, addr: NIC_RX + i * 0x2000 + (x.fill % 8), bytes: Uint8Array.from({ length: x.len }, (_, j) => (x.fill + j * 131 + (j >> 8)) & 255) }));
  const total = payloads.reduce((s, p) => s + p.bytes.length, 0);
  const sizes = fc.sample(fc.integer({ min: 64, max: 3000 }), { numRuns: 4 * n + 40, seed: seed + 2 });
  const buffers: RxBuffer[] = [];
  let at = USER_RX, cap = 0;
  for (const s of sizes) { if (cap > total + 3000 * n) break; at += (s * 7) % 61; buffers.push({ addr: at, len: s }); at += s; cap += s; }
  return { chains, payloads, buffers };
}
