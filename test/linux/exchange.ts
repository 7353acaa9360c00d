// One connection between a TOE (the model, or the RTL) and the Linux kernel's TCP: data both ways at once, then a
// clean close, with the TOE as server (the kernel closes first: the TOE sees a half-close) or as client (the TOE
// closes first and goes through FIN-WAIT and TIME-WAIT).
import { createHash } from 'node:crypto';
import type { HostSocket } from '../../sim/toe_model/host.ts';
import { KERNEL_IP, TOE_IP, type LinuxLab, type LinuxPeer } from '../../sim/tap/lab.ts';
import type { PeerArgs, PeerDone } from '../../sim/tap/linux-peer.ts';
import type { RtlLinuxLab } from '../../sim/tap/rtl-lab.ts';
import { pattern } from '../../sim/tap/pattern.ts';
import type { Ipv4Input } from '../../sim/packet/index.ts';

export const TOE_SEED = 1, KERNEL_SEED = 2;

/** What the exchange needs of a lab: the TOE's socket API, its link's run loop, peers, and two TOE-specific views. */
export interface ExchangeLab {
  host: {
    listen(port: number): void;
    accept(port: number): HostSocket | undefined;
    connect(ip: Ipv4Input, port: number): HostSocket;
    send(s: HostSocket, data: Uint8Array): void;
    close(s: HostSocket): void;
  };
  run(pred: () => boolean, timeoutMs: number, what: string): Promise<void>;
  spawnPeer(args: PeerArgs): LinuxPeer;
  /** The TOE has taken the listen command (nothing left to process). */
  listenTaken(): boolean;
  /** Every byte the TOE sent on `s` has been acknowledged by the kernel. */
  allAcked(s: HostSocket): boolean;
}

export function modelLab(lab: LinuxLab): ExchangeLab {
  return {
    host: lab.toe.host, run: (p, t, w) => lab.link.run(p, t, w), spawnPeer: (a) => lab.spawnPeer(a),
    listenTaken: () => lab.toe.rxCore.idle,
    allAcked: (s) => lab.toe.hwConn(s.conn)?.sqBytes === 0,
  };
}

export function rtlLab(lab: RtlLinuxLab): ExchangeLab {
  const { toe } = lab;
  return {
    host: toe.host, run: (p, t, w) => lab.link.run(p, t, w), spawnPeer: (a) => lab.spawnPeer(a),
    listenTaken: () => toe.host.idle && toe.quiet,
    // The TX core's view: SND.UNA has reached the end of the send queue (one past it once the FIN is acked).
    allAcked: (s) => { const c = toe.fwConns.get(s.conn); return s.freed || (c !== undefined && ((c.sndUna - c.queuedEnd) | 0) >= 0); },
  };
}

export interface ExchangeResult {
  sock: HostSocket;
  peer: PeerDone;
  /** SHA-256 of what the TOE sent / what the kernel sent (both from the seeds) and of what the TOE received. */
  toeSent: string; kernelSent: string; toeGot: string;
  /** Wall ms from the first send until the TOE had all the kernel's bytes / the kernel had ACKed all the TOE's. */
  rxMs: number; txMs: number;
  /** Wall ms from the first send until the TOE freed the connection. */
  totalMs: number;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface ExchangeOptions {
  /** Bytes per host send call. */
  chunk?: number;
  /** Wall ms allowed for the transfer and for the close, each (and the peer's own limit). */
  timeoutMs?: number;
}

export async function exchange(lab: ExchangeLab, role: 'server' | 'client', bytes: number, port: number, o: ExchangeOptions = {}): Promise<ExchangeResult> {
  const { host } = lab;
  const chunk = o.chunk ?? 64 * 1024;
  const timeoutMs = o.timeoutMs ?? 40_000;
  let peer: LinuxPeer;
  let sock: HostSocket | undefined;
  const alive = (p: LinuxPeer) => { p.check(); return true; };

  if (role === 'server') {
    host.listen(port);
    await lab.run(() => lab.listenTaken(), 1_000, 'listen');
    peer = lab.spawnPeer({ role: 'client', host: TOE_IP, port, bytes, seed: KERNEL_SEED, closeFirst: true, timeoutMs });
    await lab.run(() => alive(peer) && (sock ??= host.accept(port)) !== undefined, 10_000, 'accept the kernel\'s connection');
  } else {
    peer = lab.spawnPeer({ role: 'server', host: KERNEL_IP, port, bytes, seed: KERNEL_SEED, closeFirst: false, timeoutMs });
    await lab.run(() => alive(peer) && peer.listening, 10_000, 'peer listening');
    sock = host.connect(KERNEL_IP, port);
    await lab.run(() => sock!.state !== 'connecting', 10_000, 'connect to the kernel');
    if (sock.state !== 'open') throw new Error(`TOE connect failed: ${sock.state}, reason ${sock.error}`);
  }
  const s = sock!;

  const data = pattern(bytes, TOE_SEED);
  const t0 = performance.now();
  for (let off = 0; off < bytes; off += chunk) host.send(s, data.subarray(off, Math.min(bytes, off + chunk)));
  let rxMs = -1, txMs = -1;
  const progress = () => {
    const now = performance.now() - t0;
    if (rxMs < 0 && s.received === bytes) rxMs = now;
    if (txMs < 0 && s.sendsPending === 0 && lab.allAcked(s)) txMs = now;
  };
  const sent = () => s.sendsPending === 0;
  if (role === 'client') {
    await lab.run(() => { progress(); return alive(peer) && sent(); }, timeoutMs, 'copy-in of the TOE\'s data');
    host.close(s);
  }
  await lab.run(() => { progress(); return alive(peer) && s.received === bytes && s.eof; }, timeoutMs, 'the kernel\'s data and FIN');
  if (role === 'server') {
    await lab.run(() => { progress(); return alive(peer) && sent(); }, timeoutMs, 'copy-in of the TOE\'s data');
    host.close(s);
  }
  await lab.run(() => { progress(); return alive(peer) && s.freed && peer.done !== undefined; }, timeoutMs, 'clean close on both sides');
  const totalMs = performance.now() - t0;
  return {
    sock: s, peer: peer.done!, toeSent: sha256(data), kernelSent: sha256(pattern(bytes, KERNEL_SEED)), toeGot: sha256(s.data()),
    rxMs, txMs: txMs < 0 ? totalMs : txMs, totalMs,
  };
}
