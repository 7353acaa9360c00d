// Random operation sequences (appends, segments anywhere in and around the queue, releases, bases, deletes, SYNs,
// RSTs, bad connections) with idle cycles, skb stalls and backpressure, compared with the model.
import { afterAll, describe, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { payloadBytes } from '../ack_tx/drivers.ts';
import { BENCH, benchSim, checkRun, modelCfg, runOps, txr } from './driver.ts';
import { TXR, TxEngineModel, type Op } from './model.ts';

const B = BENCH.blockBytes;
const abstractOp = fc.record({
  kind: fc.constantFrom('app', 'app', 'seg', 'seg', 'seg', 'rel', 'base', 'del', 'syn', 'rst'),
  conn: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) }),
  a: fc.double({ min: 0, max: 1, noNaN: true }), b: fc.double({ min: 0, max: 1, noNaN: true }),
  flags: fc.constantFrom(0x10, 0x18, 0x11, 0x08, 0x14), seed: fc.nat(1000), ts: fc.boolean(),
});

/** Concrete operations, resolved against the model's queue state as it evolves. */
function resolve(drawn: { kind: string; conn: number; a: number; b: number; flags: number; seed: number; ts: boolean }[]): Op[] {
  const model = new TxEngineModel(modelCfg());
  const ops: Op[] = [];
  for (const d of drawn) {
    const q = model.q[d.conn % BENCH.conns]!;
    const bytes = q.data.length;
    let op: Op;
    if (d.kind === 'app') op = { op: 'app', conn: d.conn, data: payloadBytes(1 + Math.floor(d.a * 2 * B), d.seed) };
    else if (d.kind === 'seg') {
      const off = Math.floor(d.a * (bytes + 20)) - 10;
      const len = d.b < 0.1 ? 0 : Math.floor(d.b * Math.min(bytes + 20, 600));
      op = { op: 'txr', req: txr({ kind: TXR.SEG, conn: d.conn, seq: (q.base + off) >>> 0, len, flags: d.flags, snd_nxt: (q.base + d.seed) >>> 0,
        rcv_nxt: d.seed * 7919, rcv_wnd: d.seed * 997, rcv_wscale: d.seed % 16, tcb_ts_ok: d.ts ? 1 : 0, ts_recent: d.seed }) };
    } else if (d.kind === 'rel') op = { op: 'txr', req: txr({ kind: TXR.RELEASE, conn: d.conn, upto: (q.base + Math.floor(d.a * (bytes + 2 * B)) - B) >>> 0 }) };
    else if (d.kind === 'base') op = { op: 'base', conn: d.conn, value: Math.floor(d.a * 2 ** 32) >>> 0 };
    else if (d.kind === 'del') op = { op: 'del', conn: d.conn };
    else if (d.kind === 'syn') op = { op: 'txr', req: txr({ kind: TXR.SYN, conn: d.conn, seq: d.seed, ack: d.seed * 3, flags: d.ts ? 0x12 : 0x02, mss: 536 + d.seed,
      ws_ok: d.a < 0.5 ? 1 : 0, ws: d.seed % 15, sack_ok: d.b < 0.5 ? 1 : 0, ts_ok: d.ts ? 1 : 0, ts_ecr: d.seed, rcvbuf: Math.floor(d.b * 200000) }) };
    else op = { op: 'txr', req: txr({ kind: TXR.RST, conn: d.conn, seq: d.seed, ack: d.seed + 1, flags: d.flags & 0x14 ? 0x14 : 0x04 }) };
    if (op.op === 'app' && d.seed % 17 === 0) op.badKeepBeat = 0;
    model.apply(op);
    ops.push(op);
  }
  return ops;
}

describe.each(simBackends())('tx_engine random operations (%s)', async (backend) => {
  const sim = await benchSim(backend);
  afterAll(() => sim.close());
  it('agrees with the model on every frame, report and counter', () => {
    let run = 0;
    fc.assert(fc.property(fc.array(abstractOp, { minLength: 20, maxLength: 40 }), (drawn) => {
      const seed = ++run;
      const r = runOps(sim as never, resolve(drawn), { gap: seed % 3 ? 0.2 : 0, backpressure: seed % 2 ? 0.3 : 0, stall: seed % 4, seed, timeout: 400_000 });
      checkRun(sim as never, r);
    }), { numRuns: 12, seed: 20250117 });
  });
});
