// `toe bench toe`: the Hybrid TOE's headline figures, measured on the TS model of the TOE (sim/toe_model: the
// hardware model, the two firmware cores with modelled core cycles, the host API) — two TOEs joined by a link.
//   - goodput of one connection vs segment size, one way and both ways, as a fraction of the line rate
//     (64-bit datapath at 156.25 MHz = 10 Gb/s, the link's rate), with each firmware core's utilisation;
//   - latencies: doorbell -> wire, segment in -> user buffer, segment in -> ACK out (ns and 156.25 MHz cycles);
//   - the cycles and host work to send and to receive 1.4 KB .. 1 MB, beside the paper's host CPU clocks.
// A table per part, notes, and a final JSON line. Options: --quick (smaller transfers, for a fast look).
import { table } from '../cli/table.ts';
import { transferCost, type CostResult } from './toe-cost.ts';
import { goodput, type GoodputResult } from './toe-goodput.ts';
import { latencies, type LatencyResult } from './toe-latency.ts';
import { PAPER_COSTS, PAPER_HOST_HZ, PAPER_PROTOTYPE } from './toe-paper.ts';
import { DATAPATH_BITS, DATAPATH_BPS, TOE_CLOCK_HZ, toCycles } from './toe-pair.ts';
import { DEFAULT_LINK } from '../sim/toe_model/index.ts';
import { DEFAULT_CORE_HZ } from '../firmware/costs.ts';

export interface ToeBenchConfig {
  /** MSS options to measure goodput at (8960: jumbo frames, with 9 KiB skb blocks in the model). */
  msses: number[];
  /** The MSS of the headline figure (goodput_fraction_mss). */
  headlineMss: number;
  /** Bytes per direction of a goodput run. */
  goodputBytes: number;
  /** Message sizes of the cost table (bytes). */
  sizes: number[];
  /** Also run the paper's setting: Gigabit Ethernet, MSS 1460. */
  gigabit: boolean;
  /** Also run each MSS one way on a link this fast (b/s), so the firmware, not the wire, is the limit; 0: skip. */
  ceilingBps: number;
}

export const FULL_CONFIG: ToeBenchConfig = {
  msses: [536, 1460, 8960], headlineMss: 1460, goodputBytes: 4 << 20, sizes: PAPER_COSTS.map((c) => c.bytes), gigabit: true,
  ceilingBps: 100e9,
};

export const QUICK_CONFIG: ToeBenchConfig = {
  msses: [536, 1460], headlineMss: 1460, goodputBytes: 256 << 10, sizes: [1_400, 14_000], gigabit: false, ceilingBps: 0,
};

export interface ToeBenchResult {
  config: ToeBenchConfig;
  goodput: GoodputResult[];
  gigabit: GoodputResult[];
  ceiling: GoodputResult[];
  latency: LatencyResult;
  costs: CostResult[];
}

export function runToeBench(cfg: ToeBenchConfig): ToeBenchResult {
  if (DEFAULT_LINK.rateBps !== DATAPATH_BPS) throw new Error(`toe bench: the link's ${DEFAULT_LINK.rateBps} b/s is not the datapath's ${DATAPATH_BPS} b/s`);
  const gp: GoodputResult[] = [];
  for (const mss of cfg.msses) for (const bothWays of [false, true]) gp.push(goodput({ mss, bytes: cfg.goodputBytes, bothWays }));
  const gigabit = cfg.gigabit
    ? [false, true].map((bothWays) => goodput({ mss: 1460, bytes: cfg.goodputBytes / 4, bothWays, pair: { link: { rateBps: 1e9 } } }))
    : [];
  const ceiling = cfg.ceilingBps > 0
    ? cfg.msses.map((mss) => goodput({ mss, bytes: cfg.goodputBytes, bothWays: false, pair: { link: { rateBps: cfg.ceilingBps } } }))
    : [];
  return { config: cfg, goodput: gp, gigabit, ceiling, latency: latencies(), costs: cfg.sizes.map((n) => transferCost(n)) };
}

const pct = (x: number, d = 1) => `${(x * 100).toFixed(d)}%`;
const cyc = (ns: number) => toCycles(ns).toFixed(1);
const num = (x: number, d = 4) => Number(x.toFixed(d));

function headline(r: ToeBenchResult, bothWays: boolean): GoodputResult {
  const g = r.goodput.find((x) => x.mss === r.config.headlineMss && x.bothWays === bothWays);
  if (!g) throw new Error(`toe bench: no goodput run at the headline MSS ${r.config.headlineMss}`);
  return g;
}

export function benchJson(r: ToeBenchResult): Record<string, unknown> {
  const one = headline(r, false), both = headline(r, true);
  const mb = r.costs.find((c) => c.bytes === 1_000_000) ?? r.costs[r.costs.length - 1]!;
  const l = r.latency;
  const out: Record<string, unknown> = {
    bench: 'toe',
    line_rate_bps: DATAPATH_BPS,
    goodput_fraction_mss: num(one.fraction),
    goodput_fraction_mss_both_ways: num(both.fraction),
    latency_doorbell_to_wire_cycles: num(toCycles(l.doorbellToWire), 1),
    latency_rx_to_user_cycles: num(toCycles(l.rxToUserFast), 1),
    latency_rx_to_user_firmware_cycles: num(toCycles(l.rxToUserFirmware), 1),
    latency_rx_to_ack_cycles: num(toCycles(l.ackEverySecond), 1),
    latency_rx_to_ack_firmware_cycles: num(toCycles(l.ackOutOfOrder), 1),
    send_1MB_cycles: Math.round(toCycles(mb.sendNs)),
    recv_1MB_cycles: Math.round(toCycles(mb.recvNs)),
    cost_bytes: mb.bytes,
    // One way: the sender's TX core and the receiver's RX core do the work; both ways: the busier TOE.
    tx_core_util: num(one.a.tx), rx_core_util: num(one.b.rx),
    tx_core_util_both_ways: num(Math.max(both.a.tx, both.b.tx)), rx_core_util_both_ways: num(Math.max(both.a.rx, both.b.rx)),
  };
  for (const g of r.goodput) out[`goodput_fraction_${g.mss}_${g.bothWays ? 'both' : 'one'}`] = num(g.fraction);
  for (const g of r.ceiling) out[`fw_ceiling_gbps_${g.mss}`] = num(g.bps / 1e9, 3);
  return out;
}

function printGoodput(rows: GoodputResult[], title: string): void {
  console.log(title);
  console.log(table(
    ['MSS', 'payload B', 'direction', 'Gb/s', 'line rate', 'ideal', 'vs ideal', 'A rx core', 'A tx core', 'B rx core', 'B tx core'],
    rows.map((g) => [g.mss, g.payload, g.bothWays ? 'both ways' : 'A→B', (g.bps / 1e9).toFixed(3), pct(g.fraction), pct(g.ideal),
      pct(g.fraction / g.ideal), pct(g.a.rx, 2), pct(g.a.tx, 2), pct(g.b.rx, 2), pct(g.b.tx, 2)]),
  ));
}

export function report(r: ToeBenchResult): void {
  const mhz = TOE_CLOCK_HZ / 1e6;
  printGoodput(r.goodput, `Goodput, one connection (${DATAPATH_BITS}-bit datapath at ${mhz} MHz = ${DATAPATH_BPS / 1e9} Gb/s line rate each way)`);
  console.log('Gb/s: user bytes per second per direction (both ways: the mean of the two directions), in steady state (from 1/8 of');
  console.log(`the ${(r.config.goodputBytes / 2 ** 20).toFixed(2)} MiB received to all of it). line rate: Gb/s / ${DATAPATH_BPS / 1e9} Gb/s. ideal: payload / wire bytes of a full segment`);
  console.log('(Ethernet + IPv4 + TCP + 12-byte timestamp option + 24 bytes of preamble, FCS and gap), the most any TCP can carry.');
  console.log(`Core columns: each firmware core's busy time / elapsed time over the same window (cores at ${DEFAULT_CORE_HZ / 1e6} MHz;`);
  console.log('cycles per handler from firmware/costs.ts: estimates, not measurements).');
  console.log('MSS 8960 (jumbo) runs with 9 KiB skb blocks: the model keeps a segment in one block; the RTL skb manager has 2 KiB blocks.');
  console.log('The fast path is hardware: in-order data and ACK fields never reach the RX core (0% here); the TX core handles one');
  console.log('ACK event per ACK and one decision per segment. The model\'s hardware has no throughput limit of its own besides the');
  console.log('link (the RTL blocks\' throughput is `toe bench datapath`).');
  if (r.ceiling.length) {
    console.log('');
    printGoodput(r.ceiling, `Firmware ceiling: the same one-way runs on a ${r.config.ceilingBps / 1e9} Gb/s link, so the firmware limits unless the wire still does`);
    console.log('(a what-if for wider datapaths: 512 bits at 156.25 MHz is 80 Gb/s; line rate and ideal are of the faster link;');
    console.log('a core near 100% is the limit, else the wire is).');
  }
  if (r.gigabit.length) {
    console.log('');
    printGoodput(r.gigabit, 'The paper\'s setting: Gigabit Ethernet, MSS 1460');
    const [one, both] = r.gigabit;
    console.log(`model: ${(one!.bps / 8e6).toFixed(1)} MB/s one way, ${((2 * both!.bps) / 8e6).toFixed(1)} MB/s both ways (total); ` +
      `the paper's prototype: ${PAPER_PROTOTYPE.oneWayMBps} MB/s and ~${PAPER_PROTOTYPE.bothWaysMBps} MB/s (MB = 10^6 bytes).`);
  }

  const l = r.latency;
  const fixed = l.doorbellFixed.hostCommand + l.doorbellFixed.copyIn + l.doorbellFixed.txPipe;
  console.log(`\nLatency on an idle established connection (${l.payload}-byte segments)`);
  console.log(table(['path', 'ns', `cycles @ ${mhz} MHz`], [
    ['host doorbell (send call) → first byte on the wire', l.doorbellToWire.toFixed(0), cyc(l.doorbellToWire)],
    ['  of it: TX core (HOST_SEND, then COPY_DONE handler)', (l.doorbellToWire - fixed).toFixed(0), cyc(l.doorbellToWire - fixed)],
    ['last byte in → data in user buffer, fast path', l.rxToUserFast.toFixed(0), cyc(l.rxToUserFast)],
    ['last byte in → data in user buffer, via RX core (hole filled)', l.rxToUserFirmware.toFixed(0), cyc(l.rxToUserFirmware)],
    ['segment in → ACK out, 2nd full segment (hardware)', l.ackEverySecond.toFixed(0), cyc(l.ackEverySecond)],
    ['segment in → ACK out, lone segment (delayed ACK)', l.ackDelayed.toFixed(0), cyc(l.ackDelayed)],
    ['segment in → ACK out, out of order (RX core orders it)', l.ackOutOfOrder.toFixed(0), cyc(l.ackOutOfOrder)],
  ]));
  console.log(`doorbell → wire includes the model's fixed delays: host command ring ${l.doorbellFixed.hostCommand} ns, the COPY_IN read of the`);
  console.log(`host buffer ${l.doorbellFixed.copyIn} ns, TX pipeline ${l.doorbellFixed.txPipe} ns (ToeConfig hostLatencyNs, txLatencyNs); "segment in" is the`);
  console.log('last byte at the MAC. The model charges no time to DMA received data into the user buffer or to write its');
  console.log('completion (Toe.readReceived is immediate), so "in → user buffer" is the RX pipeline (rxLatencyNs) plus, via the RX');
  console.log('core, its queue and handler time. The paper\'s prototype: 13.5 µs minimum latency (GbE, host software included).');

  console.log(`\nSending a message on a fresh connection, A → B (TOE clock ${mhz} MHz; paper: 1.8 GHz Xeon host, Linux 2.4)`);
  console.log(table(
    ['size', 'paper host kclk', 'of it wait_for_memory', 'paper µs', 'TOE cycles to SEND_DONE', 'to all ACKed', 'host descriptors', 'doorbells', 'completions', 'A core cycles'],
    r.costs.map((c) => {
      const p = PAPER_COSTS.find((x) => x.bytes === c.bytes);
      return [p?.label ?? `${c.bytes} B`, p ? p.sendKclk : '-', p ? p.waitForMemoryKclk : '-', p ? ((p.sendKclk * 1e3 * 1e6) / PAPER_HOST_HZ).toFixed(1) : '-',
        Math.round(toCycles(c.sendNs)), Math.round(toCycles(c.sendAckedNs)), c.sendHost.descriptors, c.sendHost.doorbells, c.sendHost.completions, c.sendFwCycles];
    }),
  ));
  console.log(`\nReceiving it at B`);
  console.log(table(
    ['size', 'paper host kclk', 'paper µs', 'TOE cycles first in → all in user buffer', 'doorbell at A → all at B', 'host reads', 'completions', 'B core cycles'],
    r.costs.map((c) => {
      const p = PAPER_COSTS.find((x) => x.bytes === c.bytes);
      return [p?.label ?? `${c.bytes} B`, p ? p.recvKclk : '-', p ? ((p.recvKclk * 1e3 * 1e6) / PAPER_HOST_HZ).toFixed(1) : '-',
        Math.round(toCycles(c.recvNs)), Math.round(toCycles(c.endToEndNs)), c.recvReads, c.recvHost.completions, c.recvFwCycles];
    }),
  ));
  console.log('Host work, honestly: the model has no host CPU. Its host API posts a send as one send-buffer descriptor plus one');
  console.log('command-ring entry with a doorbell, and reads one completion (SEND_DONE) when the data is in the TOE\'s send queue;');
  console.log('it reads received data each time the TOE signals it (once per segment here), each read a DMA into the user buffer');
  console.log('by the TOE plus one completion. Those ring operations are all the host does in the model; system calls, interrupts,');
  console.log('driver code and cache misses are not modelled, so these counts are not comparable clock-for-clock with the paper\'s');
  console.log('host clocks, which include the copies (②⑥), skb management (①⑦), checksums and ACK processing (④⑤) that the TOE');
  console.log('does in hardware, and the waiting for memory (③) that the TX core does. Send cycles run until the whole message is');
  console.log('in the TOE (256 KiB send buffer: 1 MB waits for ACKs, like wait_for_tcp_memory); "core cycles" are both firmware');
  console.log('cores of that TOE at their own clock during the transfer (the work moved off the host). Sizes are decimal bytes.');
}

export async function main(): Promise<void> {
  const cfg = process.argv.includes('--quick') ? QUICK_CONFIG : FULL_CONFIG;
  const t = performance.now();
  const r = runToeBench(cfg);
  console.error(`toe bench: measured in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  report(r);
  console.log(JSON.stringify(benchJson(r)));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
