// Flow control: a receiver that stops reading closes the window; the sender probes (persist timer with backoff)
// instead of timing out; reading opens the window (an RX core window update) and the transfer completes.
import { describe, expect, it } from 'vitest';
import { connect, makePair, pattern, sha256 } from './harness.ts';

describe('zero window', () => {
  it('fills B\'s 64 KiB buffer, probes while closed, resumes when B reads', () => {
    const p = makePair({ fw: { rcvbuf: 64 * 1024 } });
    const { ca, cb } = connect(p);
    p.b.host.autoRead = false;
    const data = pattern(300_000, 4);
    p.a.host.send(ca, data);
    const fa = p.a.fwConns.get(ca.conn)!;
    p.run(() => fa.sndWnd === 0 && fa.persistArmed, 100);
    const held = p.b.hwConn(cb.conn)!.rqBytes;
    expect(held).toBeGreaterThan(64 * 1024 - 1460); // the buffer is full (to within the SWS rule's MSS)
    expect(held).toBeLessThanOrEqual(64 * 1024);
    p.settle(300); // 300 ms closed: probes back off, the connection survives
    const probes = p.a.txFirmware.stats.probes;
    expect(probes).toBeGreaterThanOrEqual(3);
    expect(probes).toBeLessThan(20);
    expect(ca.state).toBe('open');
    expect(p.a.txFirmware.stats.timeouts).toBe(0);
    // B reads: the window opens, A resumes.
    p.b.host.autoRead = true;
    p.b.host.read(cb);
    p.run(() => cb.received === data.length, 1_000);
    expect(sha256(cb.data())).toBe(sha256(data));
    expect(p.b.rxCore.eventsByKind.get('WND_OPEN')).toBeGreaterThan(0);
  });

  it('a window update that is lost is recovered by the next probe', () => {
    const p = makePair({ fw: { rcvbuf: 32 * 1024 } });
    const { ca, cb } = connect(p);
    p.b.host.autoRead = false;
    const data = pattern(100_000, 5);
    p.a.host.send(ca, data);
    const fa = p.a.fwConns.get(ca.conn)!;
    p.run(() => fa.sndWnd === 0 && fa.persistArmed, 100);
    let dropped = 0;
    p.link.filter = (bytes, from) => { if (from === 'B' && dropped === 0) { dropped++; return false; } return true; };
    p.b.host.autoRead = true;
    p.b.host.read(cb);
    p.run(() => cb.received === data.length, 1_000);
    expect(dropped).toBe(1);
    expect(sha256(cb.data())).toBe(sha256(data));
  });
});
