// Directed cases of the tx_engine: each command's frame, the send queue's corners, refusals.
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { payloadBytes } from '../ack_tx/drivers.ts';
import { benchSim, checkRun, runOps, txr, BENCH } from './driver.ts';
import { TXR, type Op } from './model.ts';

const B = BENCH.blockBytes;
const ACK = 0x10, SYN = 0x02, FIN = 0x01, RST = 0x04, PSH = 0x08;
const app = (conn: number, len: number, seed = 1): Op => ({ op: 'app', conn, data: payloadBytes(len, seed) });
const seg = (conn: number, seq: number, len: number, flags = ACK | PSH, tcb: object = {}): Op =>
  ({ op: 'txr', req: txr({ kind: TXR.SEG, conn, seq, len, flags, rcv_nxt: 0x55667788, rcv_wnd: 65536 * 4, rcv_wscale: 2, snd_nxt: seq, ...tcb }) });
const base = (conn: number, value: number): Op => ({ op: 'base', conn, value });
const release = (conn: number, upto: number): Op => ({ op: 'txr', req: txr({ kind: TXR.RELEASE, conn, upto }) });

describe.each(simBackends())('tx_engine directed (%s)', async (backend) => {
  const sim = await benchSim(backend);
  afterAll(() => sim.close());
  const run = (ops: Op[], stall = 1) => {
    const r = runOps(sim as never, ops, { gap: 0.2, backpressure: 0.3, stall, seed: 7 });
    checkRun(sim as never, r);
    return r;
  };

  it('TX_SYN and SYN-ACK carry MSS, SACK-permitted, timestamps and window scale in every combination', () => {
    const ops: Op[] = [];
    for (let k = 0; k < 8; k++) {
      ops.push({ op: 'txr', req: txr({ kind: TXR.SYN, conn: 1, seq: 1000 + k, ack: k & 1 ? 5000 : 0, flags: k & 1 ? SYN | ACK : SYN,
        mss: 1460 - k, sack_ok: k & 1, ts_ok: (k >> 1) & 1, ws_ok: (k >> 2) & 1, ws: 7, ts_ecr: 0x1111 * k, rcvbuf: k & 4 ? 1 << 20 : 30000 + k }) });
    }
    const r = run(ops);
    expect(r.frames.length).toBe(8);
    expect(r.acked.length).toBe(4);
  });

  it('TX_RST: the given fields, window 0, no options; no TX report', () => {
    const r = run([{ op: 'txr', req: txr({ kind: TXR.RST, conn: 999, seq: 0xfffffff0, ack: 0x12345, flags: RST | ACK, tcb_ts_ok: 1 }) }]);
    expect(r.frames.length).toBe(1);
    expect(r.acked.length).toBe(0);
  });

  it('TX_SEG from a queue of several blocks: every offset alignment, block crossings, FIN, no-ACK, timestamps', () => {
    const ops: Op[] = [base(2, 0xfffffe00), app(2, 3 * B + 77, 5)];
    for (const [off, len] of [[0, 1], [1, 8], [7, 9], [B - 3, 10], [B - 8, 8], [B, B], [5, 2 * B + 3], [3 * B + 70, 7], [0, 3 * B + 77]]) {
      ops.push(seg(2, (0xfffffe00 + off!) >>> 0, len!, off! % 2 ? ACK | PSH : ACK | FIN, { tcb_ts_ok: len! % 2, ts_recent: 77 }));
    }
    ops.push(seg(2, 0xfffffe00, 100, PSH)); // no ACK: ack 0, window 0, no report
    ops.push(seg(2, 0xfffffe00, 0, ACK | FIN)); // no payload
    run(ops);
  });

  it('refuses a TX_SEG outside the queue (before the base, past the end), a bad conn, and SQ_BASE with data queued', () => {
    const r = run([base(3, 5000), app(3, 100), seg(3, 4999, 2), seg(3, 5050, 51), seg(3, 5100, 1), seg(3, 5100, 0),
      seg(8, 5000, 1), seg(300, 5000, 1), base(3, 1), base(9, 1), release(9, 0), { op: 'del', conn: 77 }, app(8, 20)]);
    expect(r.model.counts.seg_range_count).toBe(3);
    expect(r.model.counts.bad_conn_count).toBe(6);
    expect(r.model.counts.sq_base_refused_count).toBe(1);
  });

  it('SQ_RELEASE frees whole blocks at or below upto, then appends continue in the tail; delete frees everything', () => {
    run([base(4, 100), app(4, 2 * B + 10), release(4, 100 + B - 1), release(4, 100 + B), seg(4, 100 + B, B + 10),
      app(4, B, 9), seg(4, 100 + 2 * B, B + 10), release(4, 100 + 3 * B + 10), app(4, 5), seg(4, 100 + 3 * B + 10, 5),
      { op: 'del', conn: 4 }, base(4, 7), app(4, 3), seg(4, 7, 3)]);
  });

  it('a segment walks on from the last one\'s block, and forgets it after a release, a delete or a base', () => {
    run([base(1, 0), app(1, 4 * B, 11), seg(1, 2 * B + 5, 20), seg(1, 3 * B + 1, 30), seg(1, B + 2, 9), // behind: from the head
      release(1, B), seg(1, 3 * B + 5, 20), seg(1, 3 * B + 9, B - 9), // the indices moved by one block
      { op: 'del', conn: 1 }, app(1, 3 * B, 12), seg(1, 2 * B + 3, 40), // a new queue
      release(1, 3 * B), base(1, 500), app(1, 2 * B, 13), seg(1, 500 + B + 1, 50)]);
  });

  it('runs out of send blocks: nomem with the bytes taken so far, the rest of the data drained; a bad keep is counted', () => {
    const limit = BENCH.blocks - BENCH.reserveBlocks;
    const r = run([app(5, limit * B - 3), app(5, 20), release(5, B), { op: 'app', conn: 6, data: payloadBytes(40, 3), badKeepBeat: 1 }, app(6, 600), seg(5, B, 200)]);
    expect(r.done[1]).toEqual({ conn: 5, copied: 3, nomem: 1 });
    expect(r.model.counts.app_keep_count).toBe(1);
  });

  it('a broken model fails the comparison', () => {
    const r = runOps(sim as never, [app(1, 50), seg(1, 0, 50)], { gap: 0, backpressure: 0, stall: 0, seed: 1 });
    r.model.frames[0]!.payload[17] ^= 1;
    expect(() => checkRun(sim as never, r)).toThrow();
  });
});
