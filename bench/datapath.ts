// `toe bench datapath`: sustained bytes per cycle on back-to-back frames, latency and Yosys synth_xilinx area of
// the TOE's datapath blocks at 64 and 512 bits. A table, then a JSON line with line_rate_fraction_min.
// Add a block with one entry per width in `benches` (see DatapathBench in datapath-bench.ts).
// Options: --no-synth (or TOE_BENCH_SYNTH=0) skips synthesis; --only BLOCK measures one block.
import { table } from '../cli/table.ts';
import { DEFAULT_SIZES, measure, type BenchResult, type DatapathBench } from './datapath-bench.ts';
import { ackGenBench, txArbiterBench, txBuilderBench } from './datapath-ack-tx.ts';
import { rxChecksumBench, rxFrontBench, rxParserBench, txChecksumBench } from './datapath-rx.ts';
import { ackPathLatency } from './datapath-ack-latency.ts';

export const benches: DatapathBench[] = [
  ...[64, 512].flatMap((w) => [rxChecksumBench(w), rxParserBench(w), rxFrontBench(w), txChecksumBench(w), txBuilderBench(w), ackGenBench(w), txArbiterBench(w)]),
];

const fmt = (x: number, d = 2) => x.toFixed(d);

export async function main() {
  const argv = process.argv;
  const synth = !argv.includes('--no-synth') && process.env.TOE_BENCH_SYNTH !== '0';
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const results: BenchResult[] = [];
  for (const b of benches.filter((x) => !only || x.block === only)) {
    const t = performance.now();
    results.push(await measure(b, { synth }));
    console.error(`measured ${b.block} ${b.width}-bit in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const rows = results.flatMap((r) => r.throughput.map((t, i) => [
    i === 0 ? r.block : '', i === 0 ? r.width : '', t.size, fmt(t.bytesPerCycle), r.busBytes, fmt(t.bytesPerCycle / r.busBytes, 3),
    fmt(t.bytesPerCycle / t.ideal, 3), i === 0 ? r.latency : '',
    i === 0 && r.synth ? r.synth.luts : '', i === 0 && r.synth ? r.synth.ffs : '',
    i === 0 && r.synth ? Object.entries(r.synth.ramCells).map(([k, n]) => `${n} ${k}`).join(' ') || '0' : '',
  ]));
  console.log(table(['block', 'width', 'frame B', 'B/cycle', 'bus B', 'line rate', 'vs ideal', 'latency', 'LUT', 'FF', 'RAM'], rows));
  console.log('\nline rate = sustained bytes/cycle / bus bytes; vs ideal = / (frame bytes / beats per frame): frames start on beat');
  console.log('boundaries, so a 1500-byte frame on a 64-byte bus fills at most 1500/1536 of it. latency: first input handshake ->');
  console.log('first output beat, in cycles. Area: Yosys synth_xilinx (LUTs, flip-flops, RAM cells: RAMB* = block RAM, RAM64M = LUT RAM).');
  console.log(`line_rate_fraction_min is over the sizes ${DEFAULT_SIZES.join(', ')}; ideal_fraction_min over every row.`);
  const notes = new Set(benches.filter((b) => b.note && results.some((r) => r.block === b.block)).map((b) => b.note!));
  for (const n of notes) console.log(n);
  const ackPaths = [];
  if (!only) for (const w of [64, 512]) ackPaths.push(await ackPathLatency(w));
  if (ackPaths.length) {
    console.log('\nsegment in -> ACK out through the RTL blocks (1500-byte segment whose ACK is immediate), cycles:');
    console.log(table(['width', 'rx_front: last beat -> metadata', 'seq_check: segment -> verdict', 'ack_gen: event -> first ACK beat', 'total'],
      ackPaths.map((a) => [a.width, a.front, a.check, a.ack, a.total])));
    console.log('(each block measured alone and the three added: the blocks joined directly; an in-order segment that is not');
    console.log('the second full-size one waits for the delayed-ACK timer instead)');
  }
  // The headline is over the standard frame sizes; rows with their own sizes (ACK frames) count in ideal_fraction_min.
  const fractions = results.flatMap((r) => r.throughput.filter((t) => DEFAULT_SIZES.includes(t.size)).map((t) => t.bytesPerCycle / r.busBytes));
  const vsIdeal = results.flatMap((r) => r.throughput.map((t) => t.bytesPerCycle / t.ideal));
  console.log(JSON.stringify({
    bench: 'datapath',
    line_rate_fraction_min: Number(Math.min(...fractions).toFixed(4)),
    ideal_fraction_min: Number(Math.min(...vsIdeal).toFixed(4)),
    ...Object.fromEntries(ackPaths.map((a) => [`segment_to_ack_cycles_${a.width}`, a.total])),
    rows: results.map((r) => ({
      block: r.block, width: r.width, latency_cycles: r.latency,
      bytes_per_cycle: Object.fromEntries(r.throughput.map((t) => [t.size, Number(t.bytesPerCycle.toFixed(3))])),
      ...(r.synth ? { luts: r.synth.luts, ffs: r.synth.ffs, ram_cells: r.synth.ramCells } : {}),
    })),
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
