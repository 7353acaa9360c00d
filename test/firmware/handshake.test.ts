// Opening connections both ways, with option negotiation checked on the wire.
import { describe, expect, it } from 'vitest';
import { parseFrame, TcpFlags, type TcpFrame } from '../../sim/packet/index.ts';
import { State } from '../../firmware/conn.ts';
import { A_IP, B_IP, connect, makePair } from './harness.ts';

function frames(p: ReturnType<typeof makePair>) {
  const seen: { from: string; f: TcpFrame }[] = [];
  p.link.taps.push((bytes, from) => { const r = parseFrame(bytes); if (r.ok && r.value.kind === 'tcp') seen.push({ from, f: r.value }); });
  return seen;
}

describe('handshake', () => {
  it('A connects to B (active and passive open), options negotiated, both ESTABLISHED', () => {
    const p = makePair();
    const seen = frames(p);
    const { ca, cb } = connect(p);
    expect(ca.state).toBe('open');
    expect(cb.state).toBe('open');
    const syn = seen[0]!, synAck = seen[1]!, ack = seen[2]!;
    expect(syn.from).toBe('A');
    expect(syn.f.tcp.flags).toBe(TcpFlags.SYN);
    expect(syn.f.tcp.options.map((o) => o.type)).toEqual(['mss', 'sack-permitted', 'timestamps', 'nop', 'wscale']);
    expect(synAck.f.tcp.flags).toBe(TcpFlags.SYN | TcpFlags.ACK);
    expect(synAck.f.tcp.ack).toBe((syn.f.tcp.seq + 1) >>> 0);
    expect(ack.f.tcp.flags).toBe(TcpFlags.ACK);
    expect(ack.f.tcp.ack).toBe((synAck.f.tcp.seq + 1) >>> 0);
    const fa = p.a.fwConns.get(ca.conn)!, fb = p.b.fwConns.get(cb.conn)!;
    expect(fa.state).toBe(State.ESTABLISHED);
    expect(fb.state).toBe(State.ESTABLISHED);
    expect([fa.tsOk, fa.sackOk, fa.wsOk, fb.tsOk, fb.sackOk, fb.wsOk]).toEqual([true, true, true, true, true, true]);
    expect(fa.sndMss).toBe(1460 - 12);
    expect(cb.remoteIp).toBe(0xc6120001);
    expect(p.wire.bad).toBe(0);
  });

  it('B connects to A as well (the other direction), and a peer without options falls back to defaults', () => {
    const p = makePair({ a: { fw: { timestamps: false, sack: false, wscale: -1, mss: 1000 } } });
    p.a.host.listen(8080);
    p.settle(1);
    const cb = p.b.host.connect(A_IP, 8080);
    p.run(() => cb.state !== 'connecting');
    expect(cb.state).toBe('open');
    p.run(() => p.a.fwConns.inUse === 1 && p.a.fwConns.get(0)!.state === State.ESTABLISHED);
    const fb = p.b.fwConns.get(cb.conn)!;
    expect([fb.tsOk, fb.sackOk, fb.wsOk]).toEqual([false, false, false]);
    expect(fb.sndMss).toBe(1000);
    expect(fb.sndWscale).toBe(0);
    expect(B_IP).toBe('198.18.0.2');
  });

  it('connect to a port nobody listens on is refused with a RST', () => {
    const p = makePair();
    const s = p.a.host.connect(B_IP, 9999);
    p.run(() => s.state !== 'connecting');
    expect(s.state).toBe('failed');
    expect(s.error).toBe(3); // CloseReason.REFUSED
    p.settle(50);
    expect(p.a.leaks()).toEqual({ skbsInUse: 0, hwConns: 0, fwConns: 0 });
  });

  it('a lost SYN and a lost SYN-ACK are retransmitted', () => {
    const p = makePair();
    let dropped = 0;
    p.link.filter = (bytes) => {
      const r = parseFrame(bytes);
      if (r.ok && r.value.kind === 'tcp' && (r.value.tcp.flags & TcpFlags.SYN) && dropped < 2) { dropped++; return false; }
      return true;
    };
    const { ca, cb } = connect(p);
    expect(dropped).toBe(2);
    expect(ca.state).toBe('open');
    expect(cb.state).toBe('open');
  });
});
