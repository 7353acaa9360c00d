// SACK, sender side: four segments of one flight lost, and the retransmission of the first lost again (so the
// RTO fires). With SACK the TX core resends only the holes, before and after the timeout; without it NewReno
// recovers one hole per partial ACK and, after the timeout, goes back N over data the receiver already holds.
// Counts come from the model (segments on the wire), never from wall time.
import { describe, expect, it } from 'vitest';
import { parseFrame, seqDiff } from '../../sim/packet/index.ts';
import { connect, makePair, pattern, sha256 } from './harness.ts';

const SEG = 1448; // MSS 1460 less the timestamp option
/** Segment index -> how many of its transmissions the link loses. */
const LOSSES = new Map([[20, 2], [23, 1], [26, 1], [29, 1]]);

function lossyTransfer(sack: boolean) {
  const p = makePair({ fw: { sack } });
  const { ca, cb } = connect(p);
  const base = p.a.hwConn(ca.conn)!.sqBase;
  const sent = new Map<number, number>();
  p.link.filter = (frame, from) => {
    if (from !== 'A') return true;
    const f = parseFrame(frame);
    if (!f.ok || f.value.kind !== 'tcp' || f.value.payload.length === 0) return true;
    const off = seqDiff(f.value.tcp.seq, base);
    const k = off / SEG;
    const n = (sent.get(off) ?? 0) + 1;
    sent.set(off, n);
    return !(Number.isInteger(k) && n <= (LOSSES.get(k) ?? 0));
  };
  const d = pattern(200_000, 3);
  p.a.host.send(ca, d);
  p.run(() => cb.received === d.length, 10_000);
  const resent = [...sent].filter(([, n]) => n > 1).map(([off]) => off / SEG).sort((x, y) => x - y);
  return { p, ok: sha256(cb.data()) === sha256(d), stats: p.a.txFirmware.stats, resent };
}

describe('SACK loss recovery (sender)', () => {
  it('resends only the lost segments: fewer retransmissions than NewReno without SACK', () => {
    const withSack = lossyTransfer(true);
    const without = lossyTransfer(false);
    for (const r of [withSack, without]) {
      expect(r.ok).toBe(true);
      expect(r.p.a.refusals).toEqual([]);
      expect(r.p.b.refusals).toEqual([]);
      expect(r.stats.timeouts).toBe(1); // the lost retransmission of segment 20
    }
    // Four holes once each, and segment 20 once more after the timeout; nothing the receiver holds.
    expect(withSack.resent).toEqual([20, 23, 26, 29]);
    expect(withSack.stats.retransmits).toBe(5);
    expect(withSack.stats.sackRetransmits).toBe(4);
    // NewReno: after the timeout everything from segment 20 on in flight is sent again.
    expect(without.stats.sackRetransmits).toBe(0);
    expect(without.stats.retransmits).toBeGreaterThan(withSack.stats.retransmits + 3);
    console.log(`retransmissions: SACK ${withSack.stats.retransmits}, NewReno ${without.stats.retransmits}`);
  });
});
