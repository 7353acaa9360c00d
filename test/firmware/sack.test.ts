// SACK, receiver side (RFC 2018 §4, RFC 2883 D-SACK): out-of-order arrivals forged into B, and the exact
// blocks of the ACKs B puts on the wire; then random arrival orders against an independent reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTcpFrame, parseFrame, seqAdd, seqDiff, TcpFlags } from '../../sim/packet/index.ts';
import type { FwConfig } from '../../firmware/config.ts';
import { A_IP, A_MAC, B_IP, B_MAC, connect, makePair, pattern, sha256 } from './harness.ts';

interface SeenAck { ack: number; sack: [number, number][] | null }

/** B's receiving end: forge A's data segments at offsets from B's RCV.NXT at the start, watch B's ACKs. */
function receiver(fw: Partial<FwConfig> = {}, aFw: Partial<FwConfig> = {}) {
  const p = makePair({ b: { fw }, a: { fw: aFw } });
  const { ca, cb } = connect(p);
  p.settle(1);
  const h = p.b.hwConn(cb.conn)!;
  const base = h.rcvNxt;
  const acks: SeenAck[] = [];
  // A never sent the forged data: B's ACKs of it would make A answer "ACK of unsent data" forever. Keep them from A.
  p.link.filter = (_frame, from) => from !== 'B';
  p.link.taps.push((frame, from) => {
    if (from !== 'B') return;
    const f = parseFrame(frame);
    if (!f.ok || f.value.kind !== 'tcp' || !(f.value.tcp.flags & TcpFlags.ACK)) return;
    const opt = f.value.tcp.options.find((o) => o.type === 'sack');
    acks.push({
      ack: seqDiff(f.value.tcp.ack, base),
      sack: opt && opt.type === 'sack' ? opt.blocks.map((b) => [seqDiff(b.left, base), seqDiff(b.right, base)]) : null,
    });
  });
  const data = pattern(1 << 16, 7);
  /** Inject bytes [from, to) (relative to the start) and return the ACKs B sent in answer. */
  const send = (from: number, to: number): SeenAck[] => {
    const n = acks.length;
    p.link.inject(buildTcpFrame({
      srcMac: A_MAC, dstMac: B_MAC, srcIp: A_IP, dstIp: B_IP, srcPort: h.remotePort, dstPort: h.localPort,
      seq: seqAdd(base, from), ack: h.sndNxt, flags: TcpFlags.ACK, window: 1000, payload: data.subarray(from, to),
    }), p.b);
    p.settle(0.05); // 50 µs: an immediate ACK is out, a delayed one (200 µs) is not
    return acks.slice(n);
  };
  return { p, ca, cb, send, data, acks };
}

const last = (a: SeenAck[]): SeenAck => {
  if (a.length === 0) throw new Error('no ACK sent');
  return a[a.length - 1]!;
};

describe('SACK blocks on the wire (receiver)', () => {
  it('each out-of-order arrival is ACKed at once with the RFC 2018 blocks: latest first, merged, 3 beside timestamps', () => {
    const r = receiver();
    const steps: [number, number, SeenAck][] = [
      [200, 300, { ack: 0, sack: [[200, 300]] }],
      [400, 500, { ack: 0, sack: [[400, 500], [200, 300]] }],
      [600, 700, { ack: 0, sack: [[600, 700], [400, 500], [200, 300]] }],
      [800, 900, { ack: 0, sack: [[800, 900], [600, 700], [400, 500]] }],
      // Joins 200:300 and 400:500: the merged block comes first.
      [300, 400, { ack: 0, sack: [[200, 500], [800, 900], [600, 700]] }],
      // Inside a held block: that block (it holds the latest segment) first.
      [620, 650, { ack: 0, sack: [[620, 650], [600, 700], [200, 500]] }], // and it is a duplicate: D-SACK first
      // In order: RCV.NXT moves to 100; the blocks stay in recency order.
      [0, 100, { ack: 100, sack: [[600, 700], [200, 500], [800, 900]] }],
      // A duplicate: D-SACK (RFC 2883) block first.
      [0, 100, { ack: 100, sack: [[0, 100], [600, 700], [200, 500]] }],
      // Fills the first hole: everything up to 500 is delivered, no block covers it any more.
      [100, 200, { ack: 500, sack: [[600, 700], [800, 900]] }],
      [500, 600, { ack: 700, sack: [[800, 900]] }],
      [700, 800, { ack: 900, sack: null }],
    ];
    for (const [from, to, want] of steps) {
      const got = r.send(from, to);
      expect(got.length, `ACK for ${from}:${to}`).toBeGreaterThan(0);
      expect(last(got), `ACK for ${from}:${to}`).toEqual(want);
    }
    r.p.run(() => r.cb.received === 900, 10);
    expect(sha256(r.cb.data())).toBe(sha256(r.data.subarray(0, 900)));
    expect([r.p.a.refusals, r.p.b.refusals]).toEqual([[], []]);
  });

  it('4 blocks without timestamps', () => {
    const r = receiver({ timestamps: false });
    for (const [f, t] of [[200, 300], [400, 500], [600, 700]]) r.send(f!, t!);
    expect(last(r.send(800, 900))).toEqual({ ack: 0, sack: [[800, 900], [600, 700], [400, 500], [200, 300]] });
    expect(last(r.send(1000, 1100)).sack).toEqual([[1000, 1100], [800, 900], [600, 700], [400, 500]]);
  });

  it('no SACK option when the peer did not offer SACK-permitted, none with SACK off here', () => {
    for (const [bFw, aFw] of [[{}, { sack: false }], [{ sack: false }, {}]] as const) {
      const r = receiver(bFw, aFw);
      const got = [...r.send(200, 300), ...r.send(400, 500), ...r.send(0, 100), ...r.send(0, 100)];
      expect(got.length).toBe(4);
      expect(got.every((a) => a.sack === null)).toBe(true);
    }
  });

  it('no D-SACK when it is configured off; duplicates on the fast path get one from the hardware', () => {
    const off = receiver({ dsack: false });
    off.send(0, 100);
    off.p.settle(1);
    expect(last(off.send(0, 100))).toEqual({ ack: 100, sack: null });
    const on = receiver();
    on.send(0, 100); // in order: fast path
    on.p.settle(1);
    expect(last(on.send(0, 100))).toEqual({ ack: 100, sack: [[0, 100]] }); // wholly old
    expect(last(on.send(50, 150))).toEqual({ ack: 150, sack: [[50, 100]] }); // partly old: ACKed at once
  });

  it('a segment the RX core cannot hold (maxOoo) is not SACKed', () => {
    const r = receiver({ maxOoo: 2 });
    r.send(200, 300);
    r.send(400, 500);
    expect(last(r.send(600, 700))).toEqual({ ack: 0, sack: [[400, 500], [200, 300]] });
  });
});

/**
 * Reference for the blocks of the ACK after each arrival: the received bytes above RCV.NXT as maximal runs, ordered
 * by the latest arrival that lies in each run (RFC 2018 §4), at most `max`.
 */
function referenceBlocks(segs: [number, number][], max: number): { ack: number; sack: [number, number][] | null }[] {
  const got = new Set<number>();
  let rcvNxt = 0;
  const out: { ack: number; sack: [number, number][] | null }[] = [];
  segs.forEach(([f, t]) => {
    for (let i = f; i < t; i++) got.add(i);
    while (got.has(rcvNxt)) rcvNxt++;
    const runs: { l: number; r: number; latest: number }[] = [];
    const top = Math.max(...segs.map((s) => s[1]));
    for (let i = rcvNxt; i < top; i++) {
      if (!got.has(i)) continue;
      const l = i;
      while (got.has(i)) i++;
      runs.push({ l, r: i, latest: -1 });
    }
    for (const run of runs) {
      segs.forEach(([sf, st], k) => {
        if (k <= out.length && sf < run.r && st > run.l) run.latest = Math.max(run.latest, k);
      });
    }
    runs.sort((a, b) => b.latest - a.latest);
    out.push({ ack: rcvNxt, sack: runs.length ? runs.slice(0, max).map((x) => [x.l, x.r]) : null });
  });
  return out;
}

describe('SACK blocks against a reference, random arrival orders', () => {
  it('every ACK reports the latest-first runs above RCV.NXT (seeded)', () => {
    const seg = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 4 })).map(([s, n]) => [s * 50, Math.min(1600, s * 50 + n * 50)] as [number, number]);
    fc.assert(fc.property(fc.array(seg, { minLength: 1, maxLength: 14 }), fc.boolean(), (segs, ts) => {
      const r = receiver({ dsack: false, timestamps: ts });
      // Only arrivals above RCV.NXT are answered at once (in-order ones may be delayed): compare those.
      const want = referenceBlocks(segs, ts ? 3 : 4);
      let rcvNxt = 0;
      segs.forEach(([f, t], k) => {
        const got = r.send(f, t);
        if (f > rcvNxt) expect(last(got), `arrival ${k} ${f}:${t} of ${JSON.stringify(segs)}`).toEqual(want[k]);
        rcvNxt = want[k]!.ack;
      });
      expect(r.p.b.refusals).toEqual([]);
    }), { seed: 2018, numRuns: 25 });
  });

  it('the reference check can fail: a TOE that never sends SACK blocks fails it', () => {
    const r = receiver({ sack: false });
    const got = last(r.send(200, 300));
    expect(got).not.toEqual(referenceBlocks([[200, 300]], 3)[0]);
  });
});



describe('SACK state and connection teardown', () => {
  it('the RX core clears a connection\'s hardware SACK blocks (SACK_SET count 0) before deleting it, so a reused index starts clean', () => {
    const p = makePair();
    const { ca, cb } = connect(p);
    const issued: { kind: string; conn: number; count?: number }[] = [];
    const exec = (p.b as unknown as { exec: (cmd: { kind: string; conn: number; count?: number }, from: string) => void }).exec.bind(p.b);
    (p.b as unknown as { exec: typeof exec }).exec = (cmd, from) => { issued.push({ kind: cmd.kind, conn: cmd.conn, count: cmd.count }); exec(cmd, from); };
    p.a.host.close(ca);
    p.b.host.close(cb);
    p.run(() => p.b.leaks().hwConns === 0 && p.a.leaks().hwConns === 0, 10_000);
    const clear = issued.findIndex((c) => c.kind === 'SACK_SET' && c.conn === cb.conn && c.count === 0);
    const del = issued.findIndex((c) => c.kind === 'CONN_DELETE' && c.conn === cb.conn);
    expect(clear).toBeGreaterThanOrEqual(0);
    expect(del).toBeGreaterThan(clear);
  });
});
