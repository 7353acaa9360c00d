// `toe bench datapath`'s "segment in -> ACK out" latency through the RTL blocks a received segment crosses before
// its ACK leaves: rx_front (last beat in -> metadata record out), seq_check (segment in -> verdict out) and
// ack_gen (event in -> first beat of the ACK frame out), each measured on its own Verilator model. Their sum is the
// path's latency with the blocks joined directly (no glue registers); the TOE's top level will measure it whole.
import { simulate, type Sim } from '../sim/harness.ts';
import { AxisSource } from '../sim/stream-models.ts';
import { buildTcpFrame, TcpFlags } from '../sim/packet/index.ts';
import { RxFront } from '../blocks/rx_front/rx-front.ts';
import { SeqCheck } from '../blocks/seq_check/seq-check.ts';
import { ackGenBench } from './datapath-ack-tx.ts';
import { latency } from './datapath-bench.ts';

export interface AckPathLatency { width: number; frameBytes: number; front: number; check: number; ack: number; total: number }

/** Cycles from the cycle `start` first holds to the cycle `end` first holds (both sampled each cycle). */
function cyclesBetween(sim: Sim<unknown>, start: () => boolean, end: () => boolean, what: string): number {
  let from = -1, to = -1;
  const probe = sim.addAgent({ sample: () => {
    if (from < 0 && start()) from = sim.cycle;
    if (from >= 0 && to < 0 && end()) to = sim.cycle;
  } });
  sim.until(() => to >= 0, { timeout: 100_000, what });
  sim.removeAgent(probe);
  return to - from;
}

async function frontLatency(width: number, frameBytes: number): Promise<number> {
  const sim = await simulate(RxFront, { width, sackBlocks: 1, counterBits: 32 }, { backend: 'verilator' });
  const s = sim as unknown as Sim<unknown>;
  try {
    s.reset();
    for (const p of ['meta_ready', 'payload_tready', 'slow_tready']) s.poke(p as never, 1);
    const src = new AxisSource(s, 'rx');
    src.send(buildTcpFrame({
      srcMac: '02:00:00:00:00:02', dstMac: '02:00:00:00:00:01', srcIp: '198.18.0.2', dstIp: '198.18.0.1', srcPort: 40000, dstPort: 5001,
      seq: 1000, ack: 5000, flags: TcpFlags.ACK, window: 1000, payload: new Uint8Array(frameBytes - 54),
    }));
    const port = (n: string) => s.port(n as never);
    const [v, r, l, mv] = [port('rx_tvalid'), port('rx_tready'), port('rx_tlast'), port('meta_valid')];
    const n = cyclesBetween(s, () => !!(v.get() && r.get() && l.get()), () => !!mv.get(), 'rx_front: metadata record');
    s.removeAgent(src);
    return n;
  } finally { sim.close(); }
}

async function checkLatency(): Promise<number> {
  const sim = await simulate(SeqCheck, { tagBits: 16 }, { backend: 'verilator' });
  const s = sim as unknown as Sim<unknown>;
  try {
    s.reset();
    const seg: Record<string, number> = {
      tag: 1, seq: 1000, ack: 5000, len: 1446, wnd: 1000, ctl_ack: 1, rcv_nxt: 1000, rcv_wnd: 65535,
      snd_una: 5000, snd_nxt: 5000, snd_wnd: 1000, snd_wscale: 0, snd_wl1: 1000, snd_wl2: 5000, max_snd_wnd: 1000,
    };
    for (const [k, v] of Object.entries(seg)) s.poke(`in_${k}` as never, v);
    s.poke('out_ready' as never, 1);
    s.poke('in_valid' as never, 1);
    const [v, r, ov] = [s.port('in_valid' as never), s.port('in_ready' as never), s.port('out_valid' as never)];
    return cyclesBetween(s, () => !!(v.get() && r.get()), () => !!ov.get(), 'seq_check: verdict');
  } finally { sim.close(); }
}

export async function ackPathLatency(width: number, frameBytes = 1500): Promise<AckPathLatency> {
  const front = await frontLatency(width, frameBytes);
  const check = await checkLatency();
  const b = ackGenBench(width);
  const sim = await simulate(b.def, b.params, { backend: 'verilator' });
  let ack: number;
  try { ack = latency(sim as unknown as Sim<unknown>, b, 54); } finally { sim.close(); }
  return { width, frameBytes, front, check, ack, total: front + check + ack };
}
