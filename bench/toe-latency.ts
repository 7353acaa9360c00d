// Latencies for `toe bench toe`, on an established, idle connection (A sends to B), in simulated ns:
//   - host doorbell (the send call) -> first byte of the data segment on the wire;
//   - last byte of a segment in at B's MAC -> its data in the user buffer with its completion;
//   - segment in -> ACK out (first byte on the wire): the hardware's every-second-segment ACK, the delayed ACK
//     of a lone segment, and the ACK the RX core orders for an out-of-order segment;
// each on the fast path (hardware only) and, where it applies, through the RX core (a segment after a loss).
import { Flag } from '../firmware/api.ts';
import { parseFrame } from '../sim/packet/index.ts';
import { connectPair, makeBenchPair, pattern, type BenchPair, type PairOptions } from './toe-pair.ts';

export interface LatencyResult {
  /** Payload of a full segment. */
  payload: number;
  doorbellToWire: number;
  /** The model's fixed delays inside doorbellToWire: host command ring + host buffer read (COPY_IN) + TX pipeline. */
  doorbellFixed: { hostCommand: number; copyIn: number; txPipe: number };
  rxToUserFast: number;
  rxToUserFirmware: number;
  ackEverySecond: number;
  ackDelayed: number;
  ackOutOfOrder: number;
}

const need = <T>(x: T | undefined, what: string): T => {
  if (x === undefined) throw new Error(`toe bench latency: no ${what}`);
  return x;
};

/** The first frame B puts on the wire at or after t that carries ACK. */
function ackAfter(p: BenchPair, t: number): number {
  return need(p.wire.find((w) => w.from === 'B' && w.t0 >= t && (w.flags & Flag.ACK) !== 0), `ACK from B after ${t} ns`).t0 - t;
}

/** Data into B's user buffer at or after t. */
function userAfter(p: BenchPair, t: number): number {
  return need(p.b.userData.find((u) => u.t >= t), `user data at B after ${t} ns`).t - t;
}

/**
 * An established connection in steady state: a first transfer has opened B's window from the SYN's 64 KiB to
 * its receive buffer (that window update would otherwise be the first ACK measured), and every timer has run.
 */
function idlePair(o: PairOptions) {
  const p = makeBenchPair(o);
  const { ca, cb } = connectPair(p);
  p.a.toe.host.send(ca, pattern(16 * 1024, 9));
  p.run(() => cb.received === 16 * 1024, 100);
  p.runFor(1e6);
  cb.chunks.length = 0;
  cb.received = 0;
  for (const s of [p.a, p.b]) { s.arrivals.length = 0; s.userData.length = 0; s.notes.length = 0; }
  p.wire.length = 0;
  const payload = need(p.a.toe.fwConns.get(ca.conn), 'firmware connection').sndMss;
  return { p, ca, cb, payload };
}

export function latencies(o: PairOptions = {}): LatencyResult {
  // Fast path. A lone full segment: doorbell -> wire, in -> user buffer, and the delayed ACK (the hardware waits
  // for a second segment). Then two at once: the second is ACKed at once.
  const { p, ca, cb, payload } = idlePair(o);
  const t0 = p.sched.now;
  p.a.toe.host.send(ca, pattern(payload, 1));
  p.run(() => cb.received === payload, 100);
  p.runFor(2 * p.b.toe.cfg.delackUs * 1000);
  const lone = need(p.b.arrivals.find((a) => a.payload > 0), 'lone segment in at B');
  const doorbellToWire = need(p.wire.find((w) => w.from === 'A' && w.payload > 0), 'data segment from A').t0 - t0;
  const rxToUserFast = userAfter(p, lone.t);
  const ackDelayed = ackAfter(p, lone.t);

  p.a.toe.host.send(ca, pattern(2 * payload, 2));
  p.run(() => cb.received === 3 * payload, 100);
  p.runFor(50_000);
  const inB = p.b.arrivals.filter((a) => a.payload > 0);
  if (inB.length !== 3) throw new Error(`toe bench latency: expected 3 data segments in at B, saw ${inB.length}`);
  const ackEverySecond = ackAfter(p, inB[2]!.t);

  // Through the RX core: the first of two segments is lost; the second arrives out of order (the RX core holds it
  // and orders a duplicate ACK), the retransmission fills the hole and the RX core delivers both.
  const s = idlePair(o);
  let dropped = false;
  s.p.link.filter = (frame, from) => {
    if (dropped || from !== 'A') return true;
    const f = parseFrame(frame);
    if (!f.ok || f.value.kind !== 'tcp' || f.value.payload.length === 0) return true;
    dropped = true; // the first frame from A with data
    return false;
  };
  s.p.a.toe.host.send(s.ca, pattern(2 * s.payload, 3));
  s.p.run(() => s.cb.received === 2 * s.payload, 10_000);
  const inS = s.p.b.arrivals.filter((a) => a.payload > 0);
  if (inS.length !== 2) throw new Error(`toe bench latency: expected 2 data segments in after the loss, saw ${inS.length}`);
  const ackOutOfOrder = ackAfter(s.p, inS[0]!.t);
  const rxToUserFirmware = userAfter(s.p, inS[1]!.t);

  const cfg = p.a.toe.cfg;
  return {
    payload, doorbellToWire, doorbellFixed: { hostCommand: cfg.hostLatencyNs, copyIn: cfg.hostLatencyNs, txPipe: cfg.txLatencyNs },
    rxToUserFast, rxToUserFirmware, ackEverySecond, ackDelayed, ackOutOfOrder,
  };
}
