// Throughput of TX_SEG: cycles per 1448-byte segment, back to back, from a queue of 2048-byte blocks (toe_top's
// geometry), no stalls or backpressure. The figure is printed and bounded so a slowdown fails.
import { afterAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { payloadBytes } from '../ack_tx/drivers.ts';
import { BENCH, benchSim, checkRun, runOps, txr } from './driver.ts';
import { TXR, type Op } from './model.ts';
import type { TxEngineParams } from '../../blocks/tx_engine/params.ts';

const PARAMS: TxEngineParams = { ...BENCH, blocks: 16, blockBytes: 2048, reserveBlocks: 2, fifoBytes: 2048 };
const SEG = 1448, N = 4, M = 12, BASE = 1000;
/**
 * Steady-state cycles per segment the engine must not exceed: 181 payload beats read once, plus ~13 of setup,
 * queue walk (2 a block skipped, from where the last segment started), descriptor and report. (The output needs 190: the frame is 1514 bytes.)
 */
export const MAX_CYCLES_PER_SEG = 200;

describe.each(simBackends())('tx_engine throughput (%s)', async (backend) => {
  const sim = await benchSim(backend, PARAMS);
  afterAll(() => sim.close());
  it(`sends ${SEG}-byte segments back to back at close to one beat per cycle`, () => {
    const fill: Op[] = [{ op: 'base', conn: 0, value: BASE }, { op: 'app', conn: 0, data: payloadBytes(M * SEG + 100, 3) }];
    const segs: Op[] = Array.from({ length: M }, (_, k) => ({ op: 'txr', req: txr({ kind: TXR.SEG, conn: 0, seq: BASE + k * SEG + 3, len: SEG, flags: 0x18,
      rcv_nxt: 1, rcv_wnd: 65535, tcb_ts_ok: 1 }) }) as Op);
    const opts = { gap: 0, backpressure: 0, stall: 0, seed: 1, params: PARAMS };
    // The difference of a run of N and one of M segments: the first segment's latency cancels out.
    const a = runOps(sim as never, [...fill, ...segs.slice(0, N)], opts);
    checkRun(sim as never, a);
    const b = runOps(sim as never, [...fill, ...segs], opts);
    checkRun(sim as never, b);
    const perSeg = (b.cycles - a.cycles) / (M - N);
    console.log(`tx_engine (${backend}): ${perSeg.toFixed(1)} cycles per ${SEG}-byte segment (${(SEG / perSeg).toFixed(2)} bytes/cycle)`);
    expect(perSeg).toBeLessThanOrEqual(MAX_CYCLES_PER_SEG);
  });
});
