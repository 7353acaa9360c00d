// `toe bench toe_rtl`: the Hybrid TOE as RTL (toe_top in Verilator) with the real firmware on its two cores
// (sim/toe_rtl), facing the TS model of the TOE across a 10 Gb/s link. Measured, per direction, at MSS 1460:
//   - goodput of one connection (steady state: from 1/8 of the bytes received to all of them) as a fraction of
//     the line rate, beside the model's figure for the same transfer (bench/toe-goodput.ts measures the model);
//   - each RTL firmware core's utilisation (bus accesses + modelled handler cycles, over the same window);
//   - segment in -> ACK out on the RTL (data frame fully in at the RTL's MAC to the ACK carrying its end leaving).
// A table and a final JSON line. --quick: 256 KiB instead of 1 MiB.
import { table } from '../cli/table.ts';
import { parseFrame, seqGeq } from '../sim/packet/index.ts';
import { Scheduler } from '../sim/toe_model/scheduler.ts';
import { Toe } from '../sim/toe_model/toe.ts';
import type { HostSocket } from '../sim/toe_model/host.ts';
import { RtlToe } from '../sim/toe_rtl/toe.ts';
import { Cosim } from '../sim/toe_rtl/cosim.ts';
import { goodput } from './toe-goodput.ts';
import { pattern } from './toe-pair.ts';

const A_IP = '198.18.0.1', B_IP = '198.18.0.2', A_MAC = '02:00:00:00:00:01', B_MAC = '02:00:00:00:00:02';
const CLOCK_HZ = 156.25e6;
const LINE_BPS = 10e9;

interface RtlRun {
  direction: 'rtl sends' | 'rtl receives';
  bytes: number;
  bps: number;
  fraction: number;
  modelFraction: number;
  rxCore: number;
  txCore: number;
  /** Segment fully in at the RTL -> the RTL's ACK covering it leaves (cycles), median over the run. */
  ackCycles: number | undefined;
  wallS: number;
}

async function run(direction: RtlRun['direction'], bytes: number): Promise<RtlRun> {
  const wall = performance.now();
  const sched = new Scheduler();
  const rtl = await RtlToe.create({ name: 'rtl', mac: A_MAC, ip: A_IP, neighbours: [[B_IP, B_MAC]], clockHz: CLOCK_HZ });
  try {
    const model = new Toe(sched, { name: 'model', mac: B_MAC, ip: B_IP, neighbours: [[A_IP, A_MAC]] });
    const world = new Cosim(sched, rtl, model, [rtl], { rateBps: LINE_BPS, delayNs: 1_000 });
    // Segment in -> ACK out on the RTL: data arrivals (end seq, time in) matched to the RTL's next ACK covering them.
    const pending: { end: number; t: number }[] = [];
    const ackNs: number[] = [];
    world.link.taps.push((frame, from, t) => {
      const p = parseFrame(frame);
      if (!p.ok || p.value.kind !== 'tcp') return;
      const h = p.value.tcp;
      if (from === 'model' && p.value.payload.length > 0) pending.push({ end: (h.seq + p.value.payload.length) >>> 0, t: t + 1_000 });
      if (from === 'rtl' && p.value.payload.length === 0) {
        while (pending.length && seqGeq(h.ack, pending[0]!.end)) { const x = pending.shift()!; if (t > x.t) ackNs.push(t - x.t); }
      }
    });
    model.host.listen(80);
    world.settle(0.02);
    const c = rtl.host.connect(B_IP, 80);
    let s: HostSocket | undefined;
    world.run(() => c.state !== 'connecting' && (s ??= model.host.accept(80)) !== undefined, 20, 'the handshake');
    const [from, to, sendHost] = direction === 'rtl sends' ? [c, s!, rtl.host] as const : [s!, c, model.host] as const;
    const data = pattern(bytes, 7);
    (sendHost as { send(x: HostSocket, d: Uint8Array): void }).send(from, data);
    let tOpen = -1, gotOpen = 0, tEnd = -1;
    let busy0 = { rx: 0, tx: 0 }, cyc0 = 0;
    const coreBusy = () => ({ rx: rtl.rxCore.stats.busCycles + rtl.rxCore.stats.computeCycles, tx: rtl.txCore.stats.busCycles + rtl.txCore.stats.computeCycles });
    world.run(() => {
      if (tOpen < 0 && to.received >= bytes / 8) { tOpen = sched.now; gotOpen = to.received; busy0 = coreBusy(); cyc0 = rtl.sim.cycle; }
      if (tEnd < 0 && to.received === bytes) tEnd = sched.now;
      return tEnd >= 0;
    }, 2_000, 'the transfer');
    if (!Buffer.from(to.data()).equals(data)) throw new Error('toe bench toe_rtl: data corrupted');
    const bps = ((bytes - gotOpen) * 8e9) / (tEnd - tOpen);
    const busy1 = coreBusy(), cycles = rtl.sim.cycle - cyc0;
    const modelRun = goodput({ mss: 1460, bytes, bothWays: false });
    ackNs.sort((a, b) => a - b);
    return {
      direction, bytes, bps, fraction: bps / LINE_BPS, modelFraction: modelRun.fraction,
      rxCore: (busy1.rx - busy0.rx) / cycles, txCore: (busy1.tx - busy0.tx) / cycles,
      ackCycles: ackNs.length ? Math.round((ackNs[Math.floor(ackNs.length / 2)]! * CLOCK_HZ) / 1e9) : undefined,
      wallS: (performance.now() - wall) / 1000,
    };
  } finally {
    rtl.close();
  }
}

export async function main(): Promise<void> {
  const bytes = process.argv.includes('--quick') ? 256 << 10 : 1 << 20;
  const runs = [await run('rtl sends', bytes), await run('rtl receives', bytes)];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(table(['direction', 'bytes', 'goodput Gb/s', 'of line rate', 'model (same MSS)', 'RX core busy', 'TX core busy', 'seg in -> ACK, median (cycles)', 'wall s'],
    runs.map((r) => [r.direction, String(r.bytes), (r.bps / 1e9).toFixed(3), pct(r.fraction), pct(r.modelFraction), pct(r.rxCore), pct(r.txCore), String(r.ackCycles ?? '-'), r.wallS.toFixed(1)])));
  console.log('');
  console.log('The RTL TOE (toe_top, 64-bit at 156.25 MHz) with the firmware of both cores over its firmware buses, against the TS model');
  console.log('of the TOE on a 10 Gb/s link, MSS 1460. Core busy: bus cycles + modelled handler cycles (300 MHz cores) over the window.');
  console.log('Segment in -> ACK: from a data frame fully in at the RTL to the RTL\'s ACK covering it; the delayed-ACK policy ACKs every');
  console.log('second full segment, so the median includes the wait for the next segment.');
  const send = runs[0]!, recv = runs[1]!;
  console.log(JSON.stringify({
    bench: 'toe_rtl', line_rate_bps: LINE_BPS, bytes,
    rtl_send_goodput_fraction: Number(send.fraction.toFixed(4)), rtl_recv_goodput_fraction: Number(recv.fraction.toFixed(4)),
    model_goodput_fraction: Number(send.modelFraction.toFixed(4)),
    rtl_send_tx_core_util: Number(send.txCore.toFixed(4)), rtl_recv_rx_core_util: Number(recv.rxCore.toFixed(4)),
    rtl_seg_to_ack_cycles: recv.ackCycles ?? null,
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
