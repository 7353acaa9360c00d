// Resets: RFC 9293 §3.10.7 with RFC 5961's rules (exact RST resets, in-window RST and SYN get a challenge ACK,
// out-of-window RST is dropped), host abort, and a segment to a forgotten connection.
import { describe, expect, it } from 'vitest';
import { buildTcpFrame, TcpFlags } from '../../sim/packet/index.ts';
import { CloseReason } from '../../firmware/api.ts';
import { A_IP, A_MAC, B_IP, B_MAC, connect, makePair, pattern, sha256, type Pair } from './harness.ts';
import type { HostSocket } from '../../sim/toe_model/host.ts';

/** A segment that claims to come from B's side of the connection, delivered to A. */
function forgeToA(p: Pair, ca: HostSocket, seqOffset: number, flags: number) {
  const h = p.a.hwConn(ca.conn)!;
  const frame = buildTcpFrame({
    srcMac: B_MAC, dstMac: A_MAC, srcIp: B_IP, dstIp: A_IP, srcPort: h.remotePort, dstPort: h.localPort,
    seq: (h.rcvNxt + seqOffset) >>> 0, ack: h.sndNxt, flags, window: 1000,
  });
  p.link.inject(frame, p.a);
}

const clean = { skbsInUse: 0, hwConns: 0, fwConns: 0 };

describe('RST', () => {
  it('a RST exactly at RCV.NXT resets the connection; the peer is reset in turn when it next sends', () => {
    const p = makePair();
    const { ca, cb } = connect(p);
    forgeToA(p, ca, 0, TcpFlags.RST);
    p.run(() => ca.freed, 100);
    expect(ca.state).toBe('failed');
    expect(ca.error).toBe(CloseReason.RESET);
    p.b.host.send(cb, pattern(1000, 1)); // A no longer knows the connection: it answers with RST
    p.run(() => cb.freed, 100);
    expect(cb.error).toBe(CloseReason.RESET);
    expect([p.a.leaks(), p.b.leaks()]).toEqual([clean, clean]);
  });

  it('a RST inside the window but not at RCV.NXT, and a SYN, get one rate-limited challenge ACK and change nothing', () => {
    const p = makePair();
    const { ca, cb } = connect(p);
    forgeToA(p, ca, 100, TcpFlags.RST);
    forgeToA(p, ca, 5, TcpFlags.SYN);
    p.settle(1);
    expect(p.a.stats.challengeAcks).toBe(1);
    expect(p.a.stats.challengeLimited).toBe(1);
    expect(ca.state).toBe('open');
    const d = pattern(50_000, 2);
    p.a.host.send(ca, d);
    p.run(() => cb.received === d.length, 100);
    expect(sha256(cb.data())).toBe(sha256(d));
  });

  it('a RST outside the window is dropped silently', () => {
    const p = makePair();
    const { ca } = connect(p);
    const before = p.a.stats.txFrames;
    forgeToA(p, ca, 0x4000_0000, TcpFlags.RST);
    p.settle(1);
    expect(p.a.stats.rxDropped).toBe(1);
    expect(p.a.stats.txFrames).toBe(before);
    expect(ca.state).toBe('open');
  });

  it('host abort sends RST|ACK: the peer fails with RESET, both free everything at once (no TIME-WAIT)', () => {
    const p = makePair();
    const { ca, cb } = connect(p);
    p.b.host.send(cb, pattern(200_000, 3));
    p.run(() => ca.received > 50_000, 100);
    p.a.host.abort(ca);
    p.run(() => ca.freed && cb.freed, 100);
    expect(cb.state).toBe('failed');
    expect(cb.error).toBe(CloseReason.RESET);
    expect(ca.error).toBe(CloseReason.ABORTED);
    expect(cb.sendsFailed + cb.sendsPending).toBe(0); // the 200 kB send had been copied in already
    expect([p.a.leaks(), p.b.leaks()]).toEqual([clean, clean]);
  });

  it('a data segment to a port with no connection gets RST (SEQ = its ACK); a stray RST gets nothing', () => {
    const p = makePair();
    const frame = (flags: number) => buildTcpFrame({
      srcMac: A_MAC, dstMac: B_MAC, srcIp: A_IP, dstIp: B_IP, srcPort: 1234, dstPort: 4321, seq: 77, ack: 5555, flags, window: 100,
      payload: new Uint8Array(10),
    });
    const seen: number[][] = [];
    p.link.taps.push((b, from) => { if (from === 'B') seen.push([b[47]!, (b[38]! << 24 | b[39]! << 16 | b[40]! << 8 | b[41]!) >>> 0]); });
    p.link.inject(frame(TcpFlags.ACK | TcpFlags.PSH), p.b);
    p.link.inject(frame(TcpFlags.RST), p.b);
    p.settle(1);
    expect(seen).toEqual([[TcpFlags.RST, 5555]]);
  });
});
