// A bulk transfer both ways at once on one connection, then a clean close, as a reusable scenario.
import type { HostSocket } from '../../sim/toe_model/host.ts';
import { connect, pattern, sha256, type Pair } from './harness.ts';

export interface TransferResult {
  ca: HostSocket; cb: HostSocket;
  sentA: string; gotB: string; sentB: string; gotA: string;
  simMs: number;
}

/** Send `bytes` each way in `chunk`-sized sends, close both ends once their data is in, wait for everything to be freed. */
export function bidirectional(p: Pair, bytes: number, chunk = 64 * 1024, port = 80): TransferResult {
  const { ca, cb } = connect(p, port);
  const da = pattern(bytes, 1), db = pattern(bytes, 2);
  for (let o = 0; o < bytes; o += chunk) {
    p.a.host.send(ca, da.subarray(o, Math.min(bytes, o + chunk)));
    p.b.host.send(cb, db.subarray(o, Math.min(bytes, o + chunk)));
  }
  const t0 = p.sched.now;
  p.run(() => cb.received === bytes && ca.received === bytes, 60_000);
  const simMs = (p.sched.now - t0) / 1e6;
  p.run(() => ca.sendsPending === 0 && cb.sendsPending === 0, 1_000);
  p.a.host.close(ca);
  p.b.host.close(cb);
  p.run(() => ca.eof && cb.eof && ca.freed && cb.freed, 60_000);
  return { ca, cb, sentA: sha256(da), gotB: sha256(cb.data()), sentB: sha256(db), gotA: sha256(ca.data()), simMs };
}
