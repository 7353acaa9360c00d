// Two TOE models joined by a link, every frame on the wire checked with the packet library.
import { createHash } from 'node:crypto';
import { frameChecksums, parseFrame, PcapWriter } from '../../sim/packet/index.ts';
import { Link, type LinkConfig } from '../../sim/toe_model/link.ts';
import { Scheduler } from '../../sim/toe_model/scheduler.ts';
import { Toe, type ToeConfig } from '../../sim/toe_model/toe.ts';
import type { HostSocket } from '../../sim/toe_model/host.ts';
import type { FwConfig } from '../../firmware/config.ts';

export const A_IP = '198.18.0.1', B_IP = '198.18.0.2';
export const A_MAC = '02:00:00:00:00:01', B_MAC = '02:00:00:00:00:02';

/** Timers short enough that loss recovery and TIME-WAIT take simulated milliseconds. */
export const FAST_TIMERS: Partial<FwConfig> = {
  initialRtoUs: 20_000, minRtoUs: 5_000, maxRtoUs: 500_000, persistMinUs: 5_000, persistMaxUs: 100_000, timeWaitUs: 2_000,
};

export interface Pair {
  sched: Scheduler; a: Toe; b: Toe; link: Link;
  /** Frames seen on the wire, and how many failed to parse or had a bad checksum (must stay 0). */
  wire: { frames: number; bad: number; badDetail: string[] };
  pcap: PcapWriter | undefined;
  run(pred: () => boolean, limitMs?: number): void;
  /** Run until both TOEs have gone quiet for a while (all timers done). */
  settle(limitMs?: number): void;
}

export interface PairOptions {
  link?: Partial<LinkConfig>;
  a?: Partial<ToeConfig>;
  b?: Partial<ToeConfig>;
  fw?: Partial<FwConfig>;
  pcap?: boolean;
}

export function makePair(o: PairOptions = {}): Pair {
  const sched = new Scheduler();
  const fw = { ...FAST_TIMERS, ...o.fw };
  const a = new Toe(sched, { name: 'A', mac: A_MAC, ip: A_IP, neighbours: [[B_IP, B_MAC]], ...o.a, fw: { ...fw, ...o.a?.fw } });
  const b = new Toe(sched, { name: 'B', mac: B_MAC, ip: B_IP, neighbours: [[A_IP, A_MAC]], ...o.b, fw: { ...fw, iss: (t, c) => (0x7000_0000 + t * 64 + c) >>> 0, ...o.b?.fw } });
  const link = new Link(sched, a, b, o.link);
  const wire = { frames: 0, bad: 0, badDetail: [] as string[] };
  const pcap = o.pcap ? new PcapWriter() : undefined;
  link.taps.push((frame, from, t) => {
    wire.frames++;
    const p = parseFrame(frame);
    if (!p.ok) { wire.bad++; wire.badDetail.push(`${from}: ${p.error.message}`); return; }
    if (p.value.kind !== 'tcp') { wire.bad++; wire.badDetail.push(`${from}: not TCP`); return; }
    const s = frameChecksums(p.value);
    if (!s.ipv4 || !s.tcp) { wire.bad++; wire.badDetail.push(`${from}: checksum ipv4 ${s.ipv4} tcp ${s.tcp}`); }
    pcap?.add(frame, { sec: Math.floor(t / 1e9), nsec: Math.floor(t % 1e9) });
  });
  const run = (pred: () => boolean, limitMs = 10_000) => {
    const ok = sched.runUntil(pred, sched.now + limitMs * 1e6);
    if (!ok) throw new Error(`simulation: condition not reached within ${limitMs} ms of simulated time (now ${(sched.now / 1e6).toFixed(3)} ms)`);
  };
  const settle = (limitMs = 10_000) => { sched.runTo(sched.now + limitMs * 1e6); };
  return { sched, a, b, link, wire, pcap, run, settle };
}

/** A connected pair of sockets: A connects to B's listening port. */
export function connect(p: Pair, port = 80): { ca: HostSocket; cb: HostSocket } {
  p.b.host.listen(port);
  p.run(() => p.b.rxCore.idle, 10);
  const ca = p.a.host.connect(B_IP, port);
  let cb: HostSocket | undefined;
  p.run(() => ca.state !== 'connecting' && (cb ??= p.b.host.accept(port)) !== undefined, 1_000);
  if (ca.state !== 'open') throw new Error(`connect failed: ${ca.state} ${ca.error}`);
  return { ca, cb: cb! };
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Deterministic pseudo-random bytes. */
export function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s >>> 24; }
  return out;
}

/** After everything closed: no skb, no connection left on either side. */
export function expectClean(p: Pair): { a: ReturnType<Toe['leaks']>; b: ReturnType<Toe['leaks']> } {
  return { a: p.a.leaks(), b: p.b.leaks() };
}

export function utilisationReport(p: Pair, label: string): string {
  const ua = p.a.utilisation(), ub = p.b.utilisation();
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return `${label}: ${(p.sched.now / 1e6).toFixed(3)} ms simulated; A rx ${pct(ua.rx)} tx ${pct(ua.tx)}; B rx ${pct(ub.rx)} tx ${pct(ub.tx)}`;
}
