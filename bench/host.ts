// `toe bench host`: the host interface's figures.
//   - DMA throughput as a fraction of the AXI4 bus bandwidth, transfer sizes 64 B .. 64 KiB, host memory
//     latency 78 cycles (500 ns at 156.25 MHz), host → NIC (reads) and NIC → host (writes), aligned and not;
//   - doorbell → first DMA request latency in cycles (descriptor fetch, and the payload read behind it);
//   - Yosys synth_xilinx LUT / FF / BRAM counts of ring_engine, dma_engine and host_if.
// Prints a table and a final JSON line with dma_fraction_min_1k_plus (the worst read/write fraction for
// transfers of 1 KiB and more, aligned).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simulate, type Sim } from '../sim/harness.ts';
import { DmaEngine } from '../blocks/host/dma-engine.ts';
import { HostIf } from '../blocks/host/host-if.ts';
import { dmaDefaults, type DmaParams } from '../blocks/host/dma-params.ts';
import { SparseMemory } from '../sim/host/sparse-memory.ts';
import { AxiMemory } from '../sim/host/axi-memory.ts';
import { NicMemory } from '../sim/host/nic-memory.ts';
import { AxiLiteMaster } from '../sim/host/axil-master.ts';
import { HostDriver } from '../sim/host/driver.ts';
import { HsSink, HsSource } from '../sim/host/handshake-agents.ts';
import { regAddr, RingId } from '../blocks/host/layouts.ts';
import { designs as hostDesigns } from '../blocks/host/designs.ts';
import { designs as skbDesigns } from '../blocks/skb/designs.ts';
import { skbRates } from './host-skb.ts';
import { generate, writeDesigns } from '../gen/write.ts';
import { synthDesign } from '../gen/synth.ts';
import { table } from '../cli/table.ts';

export const LATENCY = 78;
export const SIZES = [64, 256, 1024, 4096, 16384, 65536];

/** Bytes moved per bus cycle over a run of back-to-back transfers of `size` bytes, as a fraction of the bus width. */
export function dmaFraction(sim: Sim<unknown>, dir: 'read' | 'write', size: number, opts: { unaligned?: boolean; totalBytes?: number } = {}): number {
  const host = new SparseMemory(), nic = new SparseMemory();
  const axi = new AxiMemory(sim, host, { readLatency: LATENCY, writeLatency: LATENCY });
  const nm = new NicMemory(sim, nic);
  const cmd = new HsSource(sim, dir === 'read' ? 'rd_cmd' : 'wr_cmd');
  const done = new HsSink(sim, dir === 'read' ? 'rd_done' : 'wr_done');
  const count = Math.max(4, Math.ceil((opts.totalBytes ?? 256 * 1024) / size));
  for (let i = 0; i < count; i++) {
    const skew = opts.unaligned ? 1 + (i % 7) : 0;
    cmd.send({ hostAddr: 0x1000_0000 + i * (size + 4096) + skew, nicAddr: (i * (size + 64) + 3 * skew) % (1 << 23), len: size, tag: i & 255 });
  }
  const beat = axi.beatBytes;
  let first = -1;
  cmd.onAccept = () => { if (first < 0) first = sim.cycle; };
  sim.until(() => done.got.length === count, { timeout: count * (size / beat + 200) + 10_000, what: 'DMA transfers' });
  const cycles = sim.cycle - first;
  for (const a of [axi, nm, cmd, done]) sim.removeAgent(a);
  return (count * size) / (cycles * beat);
}

/** Cycles from a TX doorbell's AXI4-Lite write handshake to the descriptor fetch's AR and to the payload's AR. */
export async function doorbellLatency(): Promise<{ fetch: number; payload: number }> {
  const sim = await simulate(HostIf, {});
  try {
    const host = new SparseMemory(), nic = new SparseMemory();
    const axi = new AxiMemory(sim as never, host, { readLatency: LATENCY, writeLatency: LATENCY });
    new NicMemory(sim as never, nic);
    const mmio = new AxiLiteMaster(sim as never);
    const drv = new HostDriver(sim as never, host, mmio, { rings: { tx: { base: 0x10000, logSize: 6 }, rx: { base: 0x20000, logSize: 6 }, cmd: { base: 0x30000, logSize: 2 }, cpl: { base: 0x40000, logSize: 8 } } });
    const buf = new HsSource(sim as never, 'tx_buf');
    new HsSink(sim as never, 'tx_data'); new HsSink(sim as never, 'rx_free'); new HsSink(sim as never, 'cmd_desc');
    new HsSource(sim as never, 'rx_data'); new HsSource(sim as never, 'cmd_cpl');
    sim.reset();
    drv.init();
    buf.send({ addr: 0 });
    drv.postTx({ addr: 0x100000, len: 1024 });
    const ars: number[] = [];
    axi.onAr = () => ars.push(sim.cycle);
    const op = mmio.write(regAddr('PROD', RingId.TX), 1);
    sim.until(() => ars.length >= 2, { timeout: 2000, what: 'descriptor and payload reads' });
    // Both are handshake cycles: the doorbell write's, and each AR's.
    return { fetch: ars[0]! - op.acceptedAt!, payload: ars[1]! - op.acceptedAt! };
  } finally { sim.close(); }
}

export function synthCounts(): { name: string; luts: number; ffs: number; brams: number }[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toe-bench-host-'));
  try {
    const designs = [...hostDesigns, ...skbDesigns.filter((d) => d.name === 'skb_manager')];
    const entries = writeDesigns(dir, designs.map(generate));
    return entries.map((e) => {
      const r = synthDesign(dir, e, 'xilinx');
      const brams = Object.entries(r.ramCells).filter(([t]) => /^RAMB/.test(t)).reduce((s, [t, n]) => s + (/RAMB18/.test(t) ? n / 2 : n), 0);
      return { name: e.name, luts: r.luts, ffs: r.ffs, brams };
    });
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

export async function main(params: Partial<DmaParams> = {}, opts: { synth?: boolean } = {}): Promise<void> {
  const sim = await simulate(DmaEngine, { ...dmaDefaults, ...params });
  const rows: string[][] = [];
  const fractions: Record<string, number> = {};
  try {
    sim.reset();
    for (const size of SIZES) {
      const r = dmaFraction(sim as never, 'read', size), w = dmaFraction(sim as never, 'write', size);
      const ru = dmaFraction(sim as never, 'read', size, { unaligned: true }), wu = dmaFraction(sim as never, 'write', size, { unaligned: true });
      fractions[`read_${size}`] = r; fractions[`write_${size}`] = w;
      rows.push([`${size}`, r.toFixed(3), w.toFixed(3), ru.toFixed(3), wu.toFixed(3)]);
    }
  } finally { sim.close(); }
  console.log(`DMA throughput / bus bandwidth (64-bit AXI4, ${LATENCY}-cycle memory latency, back-to-back transfers)`);
  console.log(table(['bytes', 'host→NIC', 'NIC→host', 'host→NIC unaligned', 'NIC→host unaligned'], rows));
  const min1k = Math.min(...Object.entries(fractions).filter(([k]) => Number(k.split('_')[1]) >= 1024).map(([, v]) => v));

  const lat = await doorbellLatency();
  console.log(`\ndoorbell → descriptor fetch AR: ${lat.fetch} cycles; → payload AR: ${lat.payload} cycles (memory latency ${LATENCY})`);

  const skb = await skbRates();
  console.log(`\nskb manager (${skb.blocks} blocks), operations per cycle with one of each offered every cycle:`);
  console.log(table(['phase', 'allocations', 'frees'], [
    ['counter (never-used blocks)', skb.counterPhase.alloc.toFixed(3), skb.counterPhase.free.toFixed(3)],
    ['FIFO (freed blocks)', skb.fifoPhase.alloc.toFixed(3), skb.fifoPhase.free.toFixed(3)],
  ]));
  console.log(`queue operations (enqueue/dequeue on one queue): ${skb.queueOps.toFixed(3)} per cycle`);

  const out: Record<string, number> = {
    dma_fraction_min_1k_plus: Number(min1k.toFixed(4)), doorbell_to_fetch_cycles: lat.fetch, doorbell_to_payload_cycles: lat.payload,
    skb_alloc_per_cycle: Number(Math.min(skb.counterPhase.alloc, skb.fifoPhase.alloc).toFixed(4)),
    skb_free_per_cycle: Number(Math.min(skb.counterPhase.free, skb.fifoPhase.free).toFixed(4)),
    skb_queue_ops_per_cycle: Number(skb.queueOps.toFixed(4)),
  };
  for (const [k, v] of Object.entries(fractions)) out[`dma_${k}`] = Number(v.toFixed(4));
  if (opts.synth ?? (!process.argv.includes('--no-synth') && process.env.TOE_BENCH_SYNTH !== '0')) {
    const synth = synthCounts();
    console.log('\nYosys synth_xilinx');
    console.log(table(['design', 'LUT', 'FF', 'BRAM36'], synth.map((s) => [s.name, `${s.luts}`, `${s.ffs}`, `${s.brams}`])));
    for (const s of synth) { out[`${s.name}_luts`] = s.luts; out[`${s.name}_ffs`] = s.ffs; out[`${s.name}_brams`] = s.brams; }
  }
  console.log(JSON.stringify({ bench: 'host', ...out }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main({}, { synth: !process.argv.includes('--no-synth') });
