// Back-to-back segments of one connection: each one's verdict depends on the TCB write of the one before
// (RCV.NXT, SND.UNA, the send window), which lands after the next segment's metadata is already waiting. ToeRx
// must give the same records whether the segments come back to back or one at a time; and the directed cases:
// an unknown connection, a frame with a bad checksum (no lookup), the sustained rate.
import { afterAll, describe, expect, it } from 'vitest';
import { seqAdd } from '../../sim/packet/index.ts';
import { RxReason } from '../../blocks/rx_parser/reasons.ts';
import { SeqVerdict } from '../../blocks/seq_check/interface.ts';
import { rng } from '../rng.ts';
import { simBackends } from '../backends.ts';
import { ToeRxHarness, type SegRecord } from './driver.ts';
import { ToeRxModel, type SegIn } from './model.ts';
import { frameOf, randomTcb, reexpect, tupleOf, type Item } from './traffic.ts';
import { itemDiffs } from './expect.ts';

/** In-order segments that each acknowledge more and move the window: every one depends on the one before. */
function chain(n: number, seed: number, maxLen = 40) {
  const r = rng(seed);
  const tuple = tupleOf(0);
  const base = randomTcb(r, tuple);
  const tcb = { ...base, rcv_adv: seqAdd(base.rcv_nxt, 60000), snd_nxt: 0 };
  tcb.snd_nxt = seqAdd(tcb.snd_una, 10 * n);
  const segs: SegIn[] = [];
  let seq = tcb.rcv_nxt;
  for (let k = 0; k < n; k++) {
    const len = k % 5 === 4 || maxLen === 0 ? 0 : 1 + Math.floor(r() * maxLen);
    // Every fourth segment repeats the previous one (a retransmission: DUPLICATE only if the write landed).
    const s = k % 4 === 3 && segs.length ? { ...segs.at(-1)! } : { seq, ack: seqAdd(tcb.snd_una, 10 * (k + 1)), len, wnd: 1000 + k, syn: false, ack_flag: true, fin: false, rst: false };
    segs.push(s);
    seq = seqAdd(s.seq, s.len);
  }
  const model = new ToeRxModel();
  model.add(tuple, 0, tcb);
  const items: Item[] = segs.map((s) => ({ frame: frameOf(tuple, s, r), record: { reason: RxReason.OK, expected: model.arrive(tuple, s) }, seg: { tuple, s } }));
  return { tuple, tcb, items, model };
}

describe.each(simBackends())('toe_rx hazards and directed cases (%s)', (backend) => {
  const h = ToeRxHarness.create(backend);
  afterAll(async () => (await h).close());

  it('back-to-back segments of one connection give the same records as one at a time, and the model\'s', async () => {
    const t = await h;
    const c = chain(40, 5);
    const runs: SegRecord[][] = [];
    for (const oneAtATime of [false, true]) {
      t.restart();
      expect(t.insert(c.tuple, c.tcb)).toBe(0);
      if (oneAtATime) for (const i of c.items) t.run([i.frame]);
      else t.run(c.items.map((i) => i.frame));
      runs.push(t.seg.records.splice(0));
      expect(t.read(0)).toEqual(c.model.tcbOf(c.tuple));
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(itemDiffs(runs[0]!, c.items)).toEqual([]);
    expect(runs[0]!.filter((r) => r.verdict === SeqVerdict.DUPLICATE).length).toBeGreaterThan(5);
    // Without the hazard guard the records would differ: a stale read makes the repeats IN_ORDER again.
    const stale = new ToeRxModel(true);
    stale.add(c.tuple, 0, c.tcb);
    expect(itemDiffs(runs[0]!, reexpect(c.items, stale)).length).toBeGreaterThan(0);
  });

  it('a segment for an unknown connection gives a no-connection record; a bad checksum gives its reason without a lookup', async () => {
    const t = await h;
    t.restart({ gap: 0, backpressure: 0.3 });
    const r = rng(9);
    const known = tupleOf(0), stranger = tupleOf(1);
    const tcb = randomTcb(r, known);
    t.insert(known, tcb);
    const s: SegIn = { seq: tcb.rcv_nxt, ack: tcb.snd_una, len: 10, wnd: 100, syn: false, ack_flag: true, fin: false, rst: false };
    const bad = frameOf(known, s, r);
    bad[bad.length - 1]! ^= 1;
    const lookups = () => Number(t.sim.peek('conn_stats_lookups' as never));
    const before = lookups();
    t.run([frameOf(stranger, s, r), bad, frameOf(known, s, r)]);
    const [miss, rejected, hit] = t.seg.records;
    expect({ reason: miss!.reason, hit: miss!.hit, no_conn: miss!.no_conn, verdict: miss!.verdict, updated: miss!.updated, ip_src: miss!.ip_src, tcp_src_port: miss!.tcp_src_port })
      .toEqual({ reason: RxReason.OK, hit: 0, no_conn: 1, verdict: 0, updated: 0, ip_src: stranger.remote_ip, tcp_src_port: stranger.remote_port });
    expect({ reason: rejected!.reason, hit: rejected!.hit, no_conn: rejected!.no_conn }).toEqual({ reason: RxReason.BAD_CHECKSUM, hit: 0, no_conn: 0 });
    expect({ hit: hit!.hit, verdict: hit!.verdict, accept_len: hit!.accept_len, rcv_nxt: hit!.rcv_nxt }).toEqual({ hit: 1, verdict: SeqVerdict.IN_ORDER, accept_len: 10, rcv_nxt: seqAdd(tcb.rcv_nxt, 10) });
    expect(lookups() - before).toBe(2);
    expect(Number(t.sim.peek('conn_stats_misses' as never))).toBe(1);
  });

  it('sustains one segment per 8 cycles on back-to-back minimum frames (pure ACKs)', async () => {
    const t = await h;
    const c = chain(64, 11, 0);
    t.restart();
    t.insert(c.tuple, c.tcb);
    const start = t.sim.cycle;
    t.run(c.items.map((i) => i.frame));
    const cycles = t.sim.cycle - start;
    expect(itemDiffs(t.seg.records, c.items)).toEqual([]);
    const beats = c.items.reduce((n, i) => n + Math.ceil(i.frame.length / 8), 0);
    console.log(`toe_rx (${backend}): ${c.items.length} segments (${beats} beats) in ${cycles} cycles`);
    expect(cycles).toBeLessThan(c.items.length * 8 + 40);
  });
});
