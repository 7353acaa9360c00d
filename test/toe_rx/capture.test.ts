// ToeRx on the receiving side of a real Linux transfer: the peer's SYN finds no connection, the firmware inserts
// the TCB the handshake establishes, and every arriving frame then gets the reference model's verdict while the
// hardware keeps RCV.NXT / SND.UNA / the send window up to date; the TCB read back at the end is the model's.
import { afterAll, describe, expect, it } from 'vitest';
import { seqAdd, seqDiff } from '../../sim/packet/index.ts';
import { SeqVerdict } from '../../blocks/seq_check/interface.ts';
import { RxReason } from '../../blocks/rx_parser/reasons.ts';
import { simBackends } from '../backends.ts';
import { ToeRxHarness } from './driver.ts';
import { captureAvailable, loadCapture, pcapPath, planCapture, TRANSFER } from './capture.ts';
import { recordDiffs } from './expect.ts';
import { rcvWindow } from '../../blocks/conn_table/tcb.ts';

if (!captureAvailable) console.log(`skipping the toe_rx capture test: ${pcapPath} not found (../shared is optional)`);

describe.skipIf(!captureAvailable).each(simBackends())('toe_rx on the Linux capture (%s)', (backend) => {
  const { raw, frames } = captureAvailable ? loadCapture() : { raw: [], frames: [] };
  const plan = captureAvailable ? planCapture(raw, frames) : undefined;
  const h = ToeRxHarness.create(backend);
  afterAll(async () => (await h).close());

  it.each([
    { gap: 0, backpressure: 0 },
    { gap: 0.1, backpressure: 0.2 },
  ])('every segment gets the model\'s verdict; the TCB read back is the model\'s (gap $gap, backpressure $backpressure)', async (flow) => {
    const t = await h, p = plan!;
    t.restart(flow);
    t.run([p.syn]);
    const syn = t.seg.records.shift()!;
    expect({ reason: syn.reason, hit: syn.hit, no_conn: syn.no_conn }).toEqual({ reason: RxReason.OK, hit: 0, no_conn: 1 });
    const index = t.insert(p.tuple, p.initial);

    for (const b of p.batches) {
      if (b.write) t.write(index, b.write);
      t.run(b.frames);
    }
    const records = t.seg.records;
    expect(recordDiffs(records, p.cases, p.verdicts)).toEqual([]);
    expect(records.map((r) => ({ index: r.index, rcv_nxt: r.rcv_nxt, snd_una: r.snd_una })))
      .toEqual(p.after.map((a) => ({ index, ...a })));

    // RCV.NXT = ISN + 1 + 200,000 + FIN; SND.UNA as acknowledged (the receiver's FIN included).
    const tcb = t.read(index);
    const f = p.final;
    expect(tcb.rcv_nxt).toBe(seqAdd(p.isn, 1 + TRANSFER + 1));
    expect({ rcv_nxt: tcb.rcv_nxt, rcv_adv: tcb.rcv_adv, rcv_wnd: rcvWindow(tcb), snd_una: tcb.snd_una, snd_nxt: tcb.snd_nxt, snd_wnd: tcb.snd_wnd,
      snd_wl1: tcb.snd_wl1, snd_wl2: tcb.snd_wl2, max_snd_wnd: tcb.max_snd_wnd })
      .toEqual({ rcv_nxt: f.rcvNxt, rcv_adv: f.rightEdge, rcv_wnd: f.rcvWnd, snd_una: f.sndUna, snd_nxt: f.sndNxt, snd_wnd: f.sndWnd,
        snd_wl1: f.sndWl1, snd_wl2: f.sndWl2, max_snd_wnd: f.maxSndWnd });
    expect(tcb.snd_una).toBe(tcb.snd_nxt);

    // The payload stream: the kept bytes of the IN_ORDER records, in order, are the transfer.
    const payloads = t.payload.take().map((x) => x.data);
    expect(payloads.length).toBe(records.filter((r) => r.has_payload).length + (syn.has_payload ? 1 : 0));
    const stream = new Uint8Array(TRANSFER);
    let next = 0, kept = 0;
    for (const r of records) {
      if (!r.has_payload) continue;
      const data = payloads[next++]!;
      if (r.verdict !== SeqVerdict.IN_ORDER || r.accept_len === 0) continue;
      const at = seqDiff(Number(r.first_seq), seqAdd(p.isn, 1));
      stream.set(data.subarray(Number(r.trim_front), Number(r.trim_front) + Number(r.accept_len)), at);
      kept += Number(r.accept_len);
    }
    expect(kept).toBe(TRANSFER);
    const sent = new Uint8Array(TRANSFER);
    for (const fr of frames) {
      if (fr.ip.dst === p.tuple.local_ip && fr.tcp.dstPort === p.tuple.local_port && fr.payload.length) sent.set(fr.payload, seqDiff(fr.tcp.seq, seqAdd(p.isn, 1)));
    }
    expect(Buffer.from(stream).equals(Buffer.from(sent))).toBe(true);
  });
});
