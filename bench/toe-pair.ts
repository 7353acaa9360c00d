// Two TOE models joined by a link for `toe bench toe`, with probes that time-stamp what the benchmark measures:
// frames on the wire (first and last byte), frames arriving at a MAC, data reaching a user buffer, host
// completions and host commands. The probes wrap methods of the Toe / HostStack instances (sim/toe_model is not
// changed): the link and the TOE call those methods through the instance, so the wrappers see every call.
import type { FwConfig } from '../firmware/config.ts';
import { parseFrame } from '../sim/packet/index.ts';
import { DEFAULT_LINK, Link, Scheduler, Toe, DEFAULT_TOE_CONFIG, type HostSocket, type LinkConfig, type ToeConfig } from '../sim/toe_model/index.ts';

/** The TOE datapath: 64 bits at 156.25 MHz is the 10 Gb/s line rate the default link models. */
export const TOE_CLOCK_HZ = 156.25e6;
export const DATAPATH_BITS = 64;
export const DATAPATH_BPS = DATAPATH_BITS * TOE_CLOCK_HZ;

/** Nanoseconds to TOE clock cycles. */
export const toCycles = (ns: number): number => (ns * TOE_CLOCK_HZ) / 1e9;

/** Bytes a frame takes on the wire besides its own (preamble + SFD 8, FCS 4, gap 12), as link.ts charges. */
export const WIRE_OVERHEAD = 24;
/** Serialisation time of a frame, as link.ts computes it (short frames padded to 60 bytes before the FCS). */
export const wireNs = (frameBytes: number, rateBps: number): number => ((Math.max(frameBytes, 60) + WIRE_OVERHEAD) * 8 * 1e9) / rateBps;

const A_IP = '198.18.0.1', B_IP = '198.18.0.2';
const A_MAC = '02:00:00:00:00:01', B_MAC = '02:00:00:00:00:02';

export interface PairOptions {
  /** Our MSS option on both sides (payload per segment is this less 12 bytes of timestamp option). */
  mss?: number;
  link?: Partial<LinkConfig>;
  fw?: Partial<FwConfig>;
  toe?: Partial<ToeConfig>;
}

/** A frame seen on the wire: serialisation from t0 (first byte) to t1 (last byte). */
export interface WireFrame { from: string; t0: number; t1: number; bytes: number; payload: number; flags: number; seq: number; ack: number }
/** A frame handed to a TOE's MAC (its last byte is in) at t. */
export interface Arrival { t: number; payload: number; flags: number; seq: number }
/** Data copied into a user buffer (HostStack.read → Toe.readReceived). */
export interface UserData { t: number; bytes: number }
export interface Note { t: number; note: number; req: number; value: number }

export interface Side {
  toe: Toe;
  arrivals: Arrival[];
  userData: UserData[];
  notes: Note[];
  /** Host → TOE command-ring entries (each a descriptor write and a doorbell). */
  commands: number;
  /** Send-buffer descriptors (the TX ring entry naming the user's buffer). */
  sendBuffers: number;
}

export interface BenchPair {
  sched: Scheduler; link: Link; a: Side; b: Side;
  wire: WireFrame[];
  /** Keep per-frame and per-read records (latency and cost runs); off for long goodput runs. */
  record: boolean;
  run(pred: () => boolean, limitMs?: number): void;
  runFor(ns: number): void;
}

function mkSide(toe: Toe, pair: { record: boolean; sched: Scheduler }): Side {
  const s: Side = { toe, arrivals: [], userData: [], notes: [], commands: 0, sendBuffers: 0 };
  const receiveFrame = toe.receiveFrame.bind(toe);
  toe.receiveFrame = (frame) => {
    if (pair.record) {
      const p = parseFrame(frame);
      if (p.ok && p.value.kind === 'tcp') s.arrivals.push({ t: pair.sched.now, payload: p.value.payload.length, flags: p.value.tcp.flags, seq: p.value.tcp.seq });
    }
    receiveFrame(frame);
  };
  const readReceived = toe.readReceived.bind(toe);
  toe.readReceived = (conn, max) => {
    const r = readReceived(conn, max);
    if (r.data.length > 0) s.userData.push({ t: pair.sched.now, bytes: r.data.length });
    return r;
  };
  const hostCommand = toe.hostCommand.bind(toe);
  toe.hostCommand = (ev) => { s.commands++; hostCommand(ev); };
  const hostSendBuffer = toe.hostSendBuffer.bind(toe);
  toe.hostSendBuffer = (req, conn, data) => { s.sendBuffers++; hostSendBuffer(req, conn, data); };
  const note = toe.host.note.bind(toe.host);
  toe.host.note = (n) => { s.notes.push({ t: pair.sched.now, note: n.note, req: n.req, value: n.value }); note(n); };
  return s;
}

export function makeBenchPair(o: PairOptions = {}): BenchPair {
  const sched = new Scheduler();
  const mss = o.mss ?? 1460;
  // The model keeps a segment in one skb block: jumbo segments need blocks of at least the MSS.
  const skbBytes = Math.max(DEFAULT_TOE_CONFIG.skbBytes, Math.ceil(mss / 1024) * 1024);
  const fw = { mss, ...o.fw };
  const a = new Toe(sched, { name: 'A', mac: A_MAC, ip: A_IP, neighbours: [[B_IP, B_MAC]], skbBytes, ...o.toe, fw });
  const b = new Toe(sched, { name: 'B', mac: B_MAC, ip: B_IP, neighbours: [[A_IP, A_MAC]], skbBytes, ...o.toe, fw: { ...fw, iss: (t, c) => (0x7000_0000 + t * 64 + c) >>> 0 } });
  const link = new Link(sched, a, b, { ...DEFAULT_LINK, ...o.link });
  const wire: WireFrame[] = [];
  const pair: BenchPair = {
    sched, link, wire, record: true,
    a: undefined as unknown as Side, b: undefined as unknown as Side,
    run(pred, limitMs = 10_000) {
      if (!sched.runUntil(pred, sched.now + limitMs * 1e6)) throw new Error(`toe bench: condition not reached within ${limitMs} ms of simulated time`);
    },
    runFor(ns) { sched.runTo(sched.now + ns); },
  };
  pair.a = mkSide(a, pair);
  pair.b = mkSide(b, pair);
  link.taps.push((frame, from, t1) => {
    if (!pair.record) return;
    const p = parseFrame(frame);
    if (!p.ok || p.value.kind !== 'tcp') return;
    const { tcp, payload } = p.value;
    wire.push({ from, t0: t1 - wireNs(frame.length, link.cfg.rateBps), t1, bytes: frame.length, payload: payload.length, flags: tcp.flags, seq: tcp.seq, ack: tcp.ack });
  });
  return pair;
}

/** A connects to B; returns both sockets once established, with the handshake's ACKs and timers settled. */
export function connectPair(p: BenchPair, port = 80): { ca: HostSocket; cb: HostSocket } {
  p.b.toe.host.listen(port);
  p.run(() => p.b.toe.rxCore.idle, 10);
  const ca = p.a.toe.host.connect(B_IP, port);
  let cb: HostSocket | undefined;
  p.run(() => ca.state !== 'connecting' && (cb ??= p.b.toe.host.accept(port)) !== undefined, 1_000);
  if (ca.state !== 'open') throw new Error(`toe bench: connect failed (${ca.state}, ${ca.error})`);
  p.runFor(1e6);
  return { ca, cb: cb! };
}

/** Deterministic pseudo-random bytes. */
export function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s >>> 24; }
  return out;
}

/** Busy time of each core of a TOE so far (ns), to take utilisation over a window. */
export function busy(t: Toe): { rx: number; tx: number; rxCycles: number; txCycles: number } {
  return { rx: t.rxCore.stats.busyNs, tx: t.txCore.stats.busyNs, rxCycles: t.rxCore.stats.cycles, txCycles: t.txCore.stats.cycles };
}
