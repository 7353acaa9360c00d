// The DMA engine's test bench: host memory (AXI4 slave), NIC memory, command sources and done sinks, and a run
// of random or given commands in both directions checked against the reference model.
import fc from 'fast-check';
import type { Sim } from '../../sim/harness.ts';
import { SparseMemory } from '../../sim/host/sparse-memory.ts';
import { AxiMemory, type AxiMemoryOptions, type ErrorRegion } from '../../sim/host/axi-memory.ts';
import { NicMemory, type NicMemoryOptions } from '../../sim/host/nic-memory.ts';
import { HsSink, HsSource } from '../../sim/host/handshake-agents.ts';
import { dmaExpect, dmaStatus, sha } from './model.ts';

export interface Cmd { host: number; nic: number; len: number }
export interface Traffic { reads: Cmd[]; writes: Cmd[] }

export const HOST_SRC = 0x1000_0000; // random bytes the reads copy from
export const HOST_DST = 0x2000_0000; // where the writes land, one region each
export const NIC_SRC = 0x10_0000;
export const NIC_DST = 0x40_0000;
export const SRC_BYTES = 96 * 1024;

export class DmaEnv {
  readonly host = new SparseMemory();
  readonly nic = new SparseMemory();
  readonly axi: AxiMemory;
  readonly nicMem: NicMemory;
  readonly rdCmd: HsSource; readonly rdDone: HsSink;
  readonly wrCmd: HsSource; readonly wrDone: HsSink;

  constructor(readonly sim: Sim<unknown>, seed: number) {
    this.axi = new AxiMemory(sim, this.host, { seed });
    this.nicMem = new NicMemory(sim, this.nic, { seed: seed + 1 });
    this.rdCmd = new HsSource(sim, 'rd_cmd', { seed: seed + 2 });
    this.rdDone = new HsSink(sim, 'rd_done', { seed: seed + 3 });
    this.wrCmd = new HsSource(sim, 'wr_cmd', { seed: seed + 4 });
    this.wrDone = new HsSink(sim, 'wr_done', { seed: seed + 5 });
    const rnd = (n: number, s: number) => Uint8Array.from(fc.sample(fc.integer({ min: 0, max: 255 }), { numRuns: n, seed: s }));
    this.host.write(HOST_SRC, rnd(SRC_BYTES, seed + 6));
    this.nic.write(NIC_SRC, rnd(SRC_BYTES, seed + 7));
  }

  configure(o: { axi?: Partial<AxiMemoryOptions>; nic?: Partial<NicMemoryOptions>; cmdGap?: number; backpressure?: number; errors?: ErrorRegion[] }): void {
    if (o.axi) this.axi.configure(o.axi);
    if (o.nic) this.nicMem.configure(o.nic);
    if (o.errors) this.axi.errors = o.errors;
    for (const s of [this.rdCmd, this.wrCmd]) s.setGap(o.cmdGap ?? 0);
    for (const s of [this.rdDone, this.wrDone]) s.setBackpressure(o.backpressure ?? 0);
  }

  /**
   * Runs the commands (both directions at once) and checks every completion and every byte: each command's
   * destination holds its source (by hash) unless it failed, and nothing outside the destinations changed.
   * Returns the completions' statuses, for tests that expect errors.
   */
  run(t: Traffic, opts: { timeout?: number } = {}): { readStatus: number[]; writeStatus: number[] } {
    const B = this.axi.beatBytes;
    const nicBefore = this.nic.snapshot(), hostBefore = this.host.snapshot();
    const expR = t.reads.map((c) => ({ ...dmaExpect(this.host, c.host, c.len), status: dmaStatus(c.host, c.len, B, this.axi.errors, 'read') }));
    const expW = t.writes.map((c) => ({ ...dmaExpect(this.nic, c.nic, c.len), status: dmaStatus(c.host, c.len, B, this.axi.errors, 'write') }));
    t.reads.forEach((c, i) => this.rdCmd.send({ hostAddr: c.host, nicAddr: c.nic, len: c.len, tag: i & 255 }));
    t.writes.forEach((c, i) => this.wrCmd.send({ hostAddr: c.host, nicAddr: c.nic, len: c.len, tag: (i * 7) & 255 }));
    const bytes = [...t.reads, ...t.writes].reduce((s, c) => s + c.len, 0);
    this.sim.until(() => this.rdDone.got.length === t.reads.length && this.wrDone.got.length === t.writes.length,
      { timeout: opts.timeout ?? 20_000 + 4 * bytes / B + 200 * (t.reads.length + t.writes.length), what: 'every DMA completion' });
    this.sim.step(20);
    const rd = this.rdDone.take(), wr = this.wrDone.take();
    const problems: string[] = [];
    if (rd.length !== t.reads.length || wr.length !== t.writes.length) problems.push(`extra completions: ${rd.length}/${t.reads.length} reads, ${wr.length}/${t.writes.length} writes`);
    t.reads.forEach((c, i) => {
      const got = rd[i]!, e = expR[i]!;
      const where = `read ${i} (host 0x${c.host.toString(16)} → nic 0x${c.nic.toString(16)}, ${c.len} B)`;
      if (Number(got.tag) !== (i & 255)) problems.push(`${where}: tag ${got.tag}, completions out of order`);
      if (Number(got.status) !== e.status) problems.push(`${where}: status ${got.status}, expected ${e.status}`);
      if (e.status === 0 && Number(got.csum) !== e.csum) problems.push(`${where}: csum 0x${got.csum.toString(16)}, expected 0x${e.csum.toString(16)}`);
      if (e.status === 0 && sha(this.nic.read(c.nic, c.len)) !== e.hash) problems.push(`${where}: NIC memory differs from the source`);
    });
    t.writes.forEach((c, i) => {
      const got = wr[i]!, e = expW[i]!;
      const where = `write ${i} (nic 0x${c.nic.toString(16)} → host 0x${c.host.toString(16)}, ${c.len} B)`;
      if (Number(got.tag) !== ((i * 7) & 255)) problems.push(`${where}: tag ${got.tag}, completions out of order`);
      if (Number(got.status) !== e.status) problems.push(`${where}: status ${got.status}, expected ${e.status}`);
      if (Number(got.csum) !== e.csum) problems.push(`${where}: csum 0x${got.csum.toString(16)}, expected 0x${e.csum.toString(16)}`);
      if (e.status === 0 && sha(this.host.read(c.host, c.len)) !== e.hash) problems.push(`${where}: host memory differs from the source`);
    });
    const nicStray = this.nic.changedOutside(nicBefore, t.reads.map((c) => [c.nic, c.nic + c.len] as const));
    const hostStray = this.host.changedOutside(hostBefore, t.writes.map((c) => [c.host, c.host + c.len] as const));
    if (nicStray.length) problems.push(`NIC memory changed outside every destination at ${nicStray.slice(0, 4).map((a) => `0x${a.toString(16)}`).join(', ')}`);
    if (hostStray.length) problems.push(`host memory changed outside every destination at ${hostStray.slice(0, 4).map((a) => `0x${a.toString(16)}`).join(', ')}`);
    if (problems.length) throw new Error(`${problems.length} problems:\n  ${problems.slice(0, 12).join('\n  ')}`);
    return { readStatus: rd.map((r) => Number(r.status)), writeStatus: wr.map((r) => Number(r.status)) };
  }
}

/** Lengths: mostly short and medium, some long; a few zero. */
const length = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 80 }) },
  { weight: 8, arbitrary: fc.integer({ min: 81, max: 2500 }) },
  { weight: 2, arbitrary: fc.integer({ min: 2501, max: 9000 }) },
);

/** Random traffic: reads from anywhere in the host source area into distinct NIC regions; writes the other way. */
export function randomTraffic(n: number, seed: number): Traffic {
  const arb = fc.record({ len: length, src: fc.integer({ min: 0, max: SRC_BYTES - 9000 }), gap: fc.integer({ min: 0, max: 70 }) });
  /** Each command's source anywhere in its area, its destination right after the previous one's (plus a gap). */
  const place = (xs: { len: number; src: number; gap: number }[], srcBase: number, dstBase: number) => {
    let at = dstBase;
    return xs.map((x) => { at += x.gap; const c = { src: srcBase + x.src, dst: at, len: x.len }; at += x.len; return c; });
  };
  const r: Cmd[] = place(fc.sample(arb, { numRuns: n, seed }), HOST_SRC, NIC_DST).map((c) => ({ host: c.src, nic: c.dst, len: c.len }));
  const w: Cmd[] = place(fc.sample(arb, { numRuns: n, seed: seed + 1 }), NIC_SRC, HOST_DST).map((c) => ({ host: c.dst, nic: c.src, len: c.len }));
  return { reads: r, writes: w };
}
