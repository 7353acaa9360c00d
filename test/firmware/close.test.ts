// Closing: from either side, simultaneously, with data in flight; TIME-WAIT; everything freed afterwards.
import { describe, expect, it } from 'vitest';
import { State, stateName } from '../../firmware/conn.ts';
import type { Toe } from '../../sim/toe_model/toe.ts';
import { connect, makePair, pattern, sha256, type Pair } from './harness.ts';

/** Every state a connection index passes through on `toe`, sampled after each simulated event. */
function stateTrace(p: Pair, toe: Toe, conn: number): { trace: string[]; sample: () => void } {
  const trace: string[] = [];
  const sample = () => {
    const c = toe.fwConns.get(conn);
    const s = c ? stateName(c.state) : 'FREE';
    if (trace[trace.length - 1] !== s) trace.push(s);
  };
  return { trace, sample };
}

function closeScenario(first: 'A' | 'B' | 'both') {
  const p = makePair({ fw: { timeWaitUs: 3_000 } });
  const { ca, cb } = connect(p);
  const ta = stateTrace(p, p.a, ca.conn), tb = stateTrace(p, p.b, cb.conn);
  const sample = () => { ta.sample(); tb.sample(); };
  sample();
  const data = pattern(100_000, 9);
  p.a.host.send(ca, data);
  if (first === 'both') p.run(() => cb.received === data.length, 1_000); // then both close at the same instant
  if (first !== 'B') p.a.host.close(ca);
  if (first !== 'A') p.b.host.close(cb);
  p.run(() => { sample(); return first === 'B' ? ca.eof : first === 'A' ? cb.eof : ca.eof && cb.eof; }, 1_000);
  if (first === 'A') p.b.host.close(cb);
  if (first === 'B') p.a.host.close(ca);
  p.run(() => { sample(); return ca.freed && cb.freed; }, 1_000);
  return { p, ca, cb, ta: ta.trace, tb: tb.trace, data };
}

describe('close', () => {
  it('A closes first (with 100 kB still to send): FIN after the data, A goes through TIME-WAIT, B through LAST-ACK', () => {
    const { p, cb, ta, tb, data } = closeScenario('A');
    expect(sha256(cb.data())).toBe(sha256(data));
    // CLOSED: the RX core is done, the TX core has not yet freed the record.
    expect(ta).toEqual(['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSED', 'FREE']);
    expect(tb).toEqual(['ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED', 'FREE']);
    expect(p.a.rxFirmware.stats.timeWaitExpired).toBe(1);
    expect([p.a.leaks(), p.b.leaks()]).toEqual([{ skbsInUse: 0, hwConns: 0, fwConns: 0 }, { skbsInUse: 0, hwConns: 0, fwConns: 0 }]);
  });

  it('B closes first while A is still sending 100 kB: B half-closes and keeps receiving', () => {
    const { p, ta, tb, ca, cb, data } = closeScenario('B');
    expect(ca.eof).toBe(true);
    expect(sha256(cb.data())).toBe(sha256(data));
    expect(tb).toEqual(['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSED', 'FREE']);
    expect(ta).toEqual(['ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED', 'FREE']);
    expect([p.a.leaks(), p.b.leaks()]).toEqual([{ skbsInUse: 0, hwConns: 0, fwConns: 0 }, { skbsInUse: 0, hwConns: 0, fwConns: 0 }]);
  });

  it('simultaneous close: both FINs cross, both ends go FIN-WAIT-1 -> CLOSING -> TIME-WAIT', () => {
    const { p, ta, tb, cb, data } = closeScenario('both');
    expect(sha256(cb.data())).toBe(sha256(data));
    expect(ta).toEqual(['ESTABLISHED', 'FIN_WAIT_1', 'CLOSING', 'TIME_WAIT', 'CLOSED', 'FREE']);
    expect(tb).toEqual(['ESTABLISHED', 'FIN_WAIT_1', 'CLOSING', 'TIME_WAIT', 'CLOSED', 'FREE']);
    expect([p.a.leaks(), p.b.leaks()]).toEqual([{ skbsInUse: 0, hwConns: 0, fwConns: 0 }, { skbsInUse: 0, hwConns: 0, fwConns: 0 }]);
  });

  it('a lost FIN and a lost ACK of the FIN are retransmitted; a FIN retransmitted into TIME-WAIT is ACKed again', () => {
    const p = makePair({ fw: { timeWaitUs: 50_000 } });
    const { ca, cb } = connect(p);
    let finsDropped = 0, finAcksDropped = 0;
    p.link.filter = (bytes, from) => {
      const flags = bytes[14 + 20 + 13]!;
      if (flags & 1 && finsDropped < 1) { finsDropped++; return false; } // first FIN
      if (from === 'A' && flags === 0x10 && p.a.fwConns.get(ca.conn)?.state === State.TIME_WAIT && finAcksDropped < 1) { finAcksDropped++; return false; }
      return true;
    };
    p.a.host.close(ca);
    p.run(() => cb.eof, 1_000);
    p.b.host.close(cb);
    p.run(() => cb.freed, 1_000);
    expect(finsDropped).toBe(1);
    expect(finAcksDropped).toBe(1);
    expect(p.a.fwConns.get(ca.conn)!.state).toBe(State.TIME_WAIT);
    p.run(() => ca.freed, 1_000);
    expect([p.a.leaks(), p.b.leaks()]).toEqual([{ skbsInUse: 0, hwConns: 0, fwConns: 0 }, { skbsInUse: 0, hwConns: 0, fwConns: 0 }]);
  });
});
