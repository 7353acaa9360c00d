// One connection between the TOE model and the Linux kernel's TCP: data both ways at once, then a clean close,
// with the TOE as server (the kernel closes first: the TOE sees a half-close) or as client (the TOE closes first
// and goes through FIN-WAIT and TIME-WAIT).
import { createHash } from 'node:crypto';
import type { HostSocket } from '../../sim/toe_model/host.ts';
import { KERNEL_IP, TOE_IP, type LinuxLab, type LinuxPeer } from '../../sim/tap/lab.ts';
import type { PeerDone } from '../../sim/tap/linux-peer.ts';
import { pattern } from '../../sim/tap/pattern.ts';

export const TOE_SEED = 1, KERNEL_SEED = 2;

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

export async function exchange(lab: LinuxLab, role: 'server' | 'client', bytes: number, port: number, chunk = 64 * 1024): Promise<ExchangeResult> {
  const { toe, link } = lab;
  const timeoutMs = 40_000;
  let peer: LinuxPeer;
  let sock: HostSocket | undefined;
  const alive = (p: LinuxPeer) => { p.check(); return true; };

  if (role === 'server') {
    toe.host.listen(port);
    await link.run(() => toe.rxCore.idle, 1_000, 'listen');
    peer = lab.spawnPeer({ role: 'client', host: TOE_IP, port, bytes, seed: KERNEL_SEED, closeFirst: true, timeoutMs });
    await link.run(() => alive(peer) && (sock ??= toe.host.accept(port)) !== undefined, 10_000, 'accept the kernel\'s connection');
  } else {
    peer = lab.spawnPeer({ role: 'server', host: KERNEL_IP, port, bytes, seed: KERNEL_SEED, closeFirst: false, timeoutMs });
    await link.run(() => alive(peer) && peer.listening, 10_000, 'peer listening');
    sock = toe.host.connect(KERNEL_IP, port);
    await link.run(() => sock!.state !== 'connecting', 10_000, 'connect to the kernel');
    if (sock.state !== 'open') throw new Error(`TOE connect failed: ${sock.state}, reason ${sock.error}`);
  }
  const s = sock!;

  const data = pattern(bytes, TOE_SEED);
  const t0 = performance.now();
  for (let o = 0; o < bytes; o += chunk) toe.host.send(s, data.subarray(o, Math.min(bytes, o + chunk)));
  let rxMs = -1, txMs = -1;
  const progress = () => {
    const now = performance.now() - t0;
    if (rxMs < 0 && s.received === bytes) rxMs = now;
    if (txMs < 0 && s.sendsPending === 0 && toe.hwConn(s.conn)?.sqBytes === 0) txMs = now;
  };
  const sent = () => s.sendsPending === 0;
  if (role === 'client') {
    await link.run(() => { progress(); return alive(peer) && sent(); }, timeoutMs, 'copy-in of the TOE\'s data');
    toe.host.close(s);
  }
  await link.run(() => { progress(); return alive(peer) && s.received === bytes && s.eof; }, timeoutMs, 'the kernel\'s data and FIN');
  if (role === 'server') {
    await link.run(() => { progress(); return alive(peer) && sent(); }, timeoutMs, 'copy-in of the TOE\'s data');
    toe.host.close(s);
  }
  await link.run(() => { progress(); return alive(peer) && s.freed && peer.done !== undefined; }, timeoutMs, 'clean close on both sides');
  const totalMs = performance.now() - t0;
  return {
    sock: s, peer: peer.done!, toeSent: sha256(data), kernelSent: sha256(pattern(bytes, KERNEL_SEED)), toeGot: sha256(s.data()),
    rxMs, txMs: txMs < 0 ? totalMs : txMs, totalMs,
  };
}
