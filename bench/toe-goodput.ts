// Goodput of one connection (one way, or both ways at once) for `toe bench toe`, with each firmware core's
// utilisation over the same window. Goodput is user bytes delivered per second, measured in steady state: from
// the moment the receiver has 1/8 of the bytes to the moment it has them all (slow start and the handshake are
// outside the window).
import { parseFrame } from '../sim/packet/index.ts';
import { busy, connectPair, makeBenchPair, pattern, wireNs, type BenchPair, type PairOptions } from './toe-pair.ts';

export interface CoreUtil { rx: number; tx: number }

export interface GoodputResult {
  mss: number;
  bothWays: boolean;
  rateBps: number;
  /** Payload bytes in a full segment, and the whole frame's bytes on the wire (with preamble, FCS and gap). */
  payload: number;
  wireBytes: number;
  /** Goodput per direction (b/s); with both ways, the mean of the two directions. */
  bps: number;
  /** bps / line rate of one direction (full duplex: each direction has the whole line rate). */
  fraction: number;
  /** The most a direction can carry at this MSS: payload / wire bytes of a full segment. */
  ideal: number;
  /** Core utilisation over the window, per TOE (A sends; with both ways, both send). */
  a: CoreUtil; b: CoreUtil;
  simUs: number;
}

interface Direction { bytes: number; tOpen: number; gotOpen: number; tEnd: number; got: () => number }

export function goodput(o: { mss: number; bytes: number; bothWays: boolean; pair?: PairOptions }): GoodputResult {
  const p: BenchPair = makeBenchPair({ mss: o.mss, ...o.pair });
  const { ca, cb } = connectPair(p);
  p.record = false;
  const rateBps = p.link.cfg.rateBps;
  // The largest data frame on the wire tells the segment geometry (MSS less options, headers).
  let frameBytes = 0, payload = 0;
  p.link.taps.push((frame) => {
    if (frame.length <= frameBytes) return;
    const f = parseFrame(frame);
    if (f.ok && f.value.kind === 'tcp') { frameBytes = frame.length; payload = f.value.payload.length; }
  });

  const dataA = pattern(o.bytes, 1), dataB = pattern(o.bytes, 2);
  const dirs: Direction[] = [{ bytes: o.bytes, tOpen: -1, gotOpen: 0, tEnd: -1, got: () => cb.received }];
  p.a.toe.host.send(ca, dataA);
  if (o.bothWays) {
    dirs.push({ bytes: o.bytes, tOpen: -1, gotOpen: 0, tEnd: -1, got: () => ca.received });
    p.b.toe.host.send(cb, dataB);
  }
  let b0a = busy(p.a.toe), b0b = busy(p.b.toe), tStart = -1;
  p.run(() => {
    for (const d of dirs) {
      const got = d.got();
      if (d.tOpen < 0 && got >= d.bytes / 8) { d.tOpen = p.sched.now; d.gotOpen = got; }
      if (d.tEnd < 0 && got === d.bytes) d.tEnd = p.sched.now;
    }
    if (tStart < 0 && dirs.every((d) => d.tOpen >= 0)) { tStart = p.sched.now; b0a = busy(p.a.toe); b0b = busy(p.b.toe); }
    return dirs.every((d) => d.tEnd >= 0);
  }, 60_000);
  // Goodput counts only bytes that arrived intact, in order, with no command the hardware had to refuse.
  if (!Buffer.from(cb.data()).equals(dataA) || (o.bothWays && !Buffer.from(ca.data()).equals(dataB))) throw new Error('toe bench goodput: data corrupted');
  const refused = [...p.a.toe.refusals, ...p.b.toe.refusals];
  if (refused.length) throw new Error(`toe bench goodput: the hardware refused ${refused.map((r) => `${r.cmd} (${r.reason})`).join(', ')}`);
  const elapsed = p.sched.now - tStart;
  const b1a = busy(p.a.toe), b1b = busy(p.b.toe);
  // Bytes that arrived after the window opened, over the time they took.
  const bps = dirs.reduce((s, d) => s + ((d.bytes - d.gotOpen) * 8e9) / (d.tEnd - d.tOpen), 0) / dirs.length;
  const wireBytes = (wireNs(frameBytes, rateBps) * rateBps) / 8e9;
  return {
    mss: o.mss, bothWays: o.bothWays, rateBps, payload, wireBytes, bps, fraction: bps / rateBps, ideal: payload / wireBytes,
    a: { rx: (b1a.rx - b0a.rx) / elapsed, tx: (b1a.tx - b0a.tx) / elapsed },
    b: { rx: (b1b.rx - b0b.rx) / elapsed, tx: (b1b.tx - b0b.tx) / elapsed },
    simUs: elapsed / 1e3,
  };
}
