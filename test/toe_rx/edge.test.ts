// The receive window from the advertised right edge: toe_rx computes RCV.WND = rcv_adv - rcv_nxt (wrap-aware, 0
// when the edge is not ahead, rounded down to the window-scale unit as ACKs announce it) for seq_check and the record, and writes only RCV.NXT, so a firmware WRITE of the edge
// (cmd_exec's window job) while segments are in flight is never undone.
import { afterAll, describe, expect, it } from 'vitest';
import { seqAdd } from '../../sim/packet/index.ts';
import { RxMode } from '../../firmware/api.ts';
import { SeqVerdict } from '../../blocks/seq_check/interface.ts';
import { RxReason } from '../../blocks/rx_parser/reasons.ts';
import { ConnOp } from '../../blocks/conn_table/params.ts';
import { fieldMask } from '../../blocks/conn_table/tcb.ts';
import { rng } from '../rng.ts';
import { simBackends } from '../backends.ts';
import { ToeRxHarness } from './driver.ts';
import { ToeRxModel, type SegIn } from './model.ts';
import { frameOf, randomTcb, tupleOf, type Item } from './traffic.ts';
import { itemDiffs } from './expect.ts';

describe.each(simBackends())('toe_rx receive window from the advertised edge (%s)', (backend) => {
  const h = ToeRxHarness.create(backend);
  afterAll(async () => (await h).close());

  it('RCV.WND = rcv_adv - rcv_nxt across the sequence wrap: in order, trimmed at the edge, closed; the edge is never written', async () => {
    const t = await h;
    t.restart();
    const r = rng(21);
    const tuple = tupleOf(0);
    const tcb = { ...randomTcb(r, tuple), rx_mode: RxMode.FAST, rcv_nxt: 0xffffff00, rcv_adv: 0x100 }; // window 512, edge past 2^32
    const model = new ToeRxModel();
    model.add(tuple, t.insert(tuple, tcb), tcb);
    const seg = (seq: number, len: number): SegIn => ({ seq, ack: tcb.snd_una, len, wnd: 1000, syn: false, ack_flag: true, fin: false, rst: false });
    const segs = [seg(0xffffff00, 300), seg(0x2c, 300), seg(0x100, 10)];
    const items: Item[] = segs.map((s) => ({ frame: frameOf(tuple, s, r), record: { reason: RxReason.OK, expected: model.arrive(tuple, s) }, seg: { tuple, s } }));
    t.run(items.map((i) => i.frame));
    expect(itemDiffs(t.seg.records, items)).toEqual([]);
    expect(t.seg.records.map((x) => [x.verdict, x.accept_len, x.rcv_nxt, x.rcv_wnd])).toEqual([
      [SeqVerdict.IN_ORDER, 300, 0x2c, 212], [SeqVerdict.IN_ORDER, 212, 0x100, 0], [SeqVerdict.SEND_ACK, 0, 0x100, 0]]);
    expect(t.read(0)).toMatchObject({ rcv_nxt: 0x100, rcv_adv: 0x100 });
    // An edge behind RCV.NXT is a closed window, not a huge one.
    t.write(0, { rcv_adv: 0x80 });
    const probe = seg(0x100, 10);
    t.run([frameOf(tuple, probe, r)]);
    expect([t.seg.records.at(-1)!.accept_len, t.seg.records.at(-1)!.rcv_wnd]).toEqual([0, 0]);
  });

  it('with a window scale the window is the announced one, rounded down to the unit: a segment at the announced edge is outside', async () => {
    const t = await h;
    t.restart();
    const r = rng(22);
    const tuple = tupleOf(0);
    // rcv_adv - rcv_nxt = 262044; an ACK announces 262044 >> 4 = 16377 units = 262032 bytes.
    const tcb = { ...randomTcb(r, tuple), rx_mode: RxMode.FAST, rcv_wscale: 4, rcv_nxt: 101, rcv_adv: 262145 };
    const model = new ToeRxModel();
    model.add(tuple, t.insert(tuple, tcb), tcb);
    const seg = (seq: number, len: number): SegIn => ({ seq, ack: tcb.snd_una, len, wnd: 1000, syn: false, ack_flag: true, fin: false, rst: false });
    const segs = [seg(101 + 262032, 10), seg(101 + 262031, 1)];
    const items: Item[] = segs.map((s) => ({ frame: frameOf(tuple, s, r), record: { reason: RxReason.OK, expected: model.arrive(tuple, s) }, seg: { tuple, s } }));
    t.run(items.map((i) => i.frame));
    expect(itemDiffs(t.seg.records, items)).toEqual([]);
    expect(t.seg.records.map((x) => [x.verdict === SeqVerdict.SEND_ACK, x.rcv_wnd])).toEqual([[true, 262032], [false, 262032]]);
  });

  it('a WRITE of the edge while fast-path segments are in flight is kept, wherever it lands between lookup and update', async () => {
    const t = await h;
    const switches = new Set<number>();
    for (let offset = 0; offset < 16; offset++) {
      t.restart();
      const r = rng(100 + offset);
      const tuple = tupleOf(1);
      const base = randomTcb(r, tuple);
      const nxt0 = base.rcv_nxt, edge0 = seqAdd(nxt0, 60000), edge1 = seqAdd(edge0, 5000);
      const index = t.insert(tuple, { ...base, rx_mode: RxMode.FAST, rcv_adv: edge0 });
      const segs = Array.from({ length: 20 }, (_, k): SegIn => ({ seq: seqAdd(nxt0, 100 * k), ack: base.snd_una, len: 100, wnd: 1000, syn: false, ack_flag: true, fin: false, rst: false }));
      for (const s of segs) t.rx.send(frameOf(tuple, s, r));
      t.sim.step(40 + offset);
      t.command(ConnOp.WRITE, index, fieldMask(['rcv_adv']), { rcv_adv: edge1 }); // cmd_exec's window job: +5000 consumed
      t.sim.until(() => t.seg.records.length >= segs.length && t.rx.idle, { timeout: 20_000, what: 'records' });
      const recs = t.seg.records;
      expect(recs.map((x) => [x.verdict, x.accept_len])).toEqual(segs.map(() => [SeqVerdict.IN_ORDER, 100]));
      // Each record's window is the old or the new edge minus its RCV.NXT: old ones first, then new ones for good.
      const after = recs.map((x) => Number(x.rcv_nxt));
      const isNew = recs.map((x, k) => {
        const old = (edge0 - after[k]! + 2 ** 32) % 2 ** 32, neu = (edge1 - after[k]! + 2 ** 32) % 2 ** 32;
        expect([old, neu]).toContain(Number(x.rcv_wnd));
        return Number(x.rcv_wnd) === neu;
      });
      const first = isNew.indexOf(true);
      expect(first === -1 ? [] : isNew.slice(first).filter((b) => !b)).toEqual([]);
      switches.add(first);
      // RCV.NXT has every segment and the edge is the WRITE's (the old toe_rx, writing the window as a value from
      // its lookup's copy, lost the WRITE when it landed between a lookup and its update).
      expect(t.read(index)).toMatchObject({ rcv_nxt: seqAdd(nxt0, 2000), rcv_adv: edge1 });
    }
    // The WRITE landed at several points of the stream (16 offsets over 2 segment slots).
    expect(switches.size).toBeGreaterThan(1);
  });
});
