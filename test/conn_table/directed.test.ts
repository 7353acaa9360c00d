// Directed cases on every back end: each refusal, the stash and NO_ROOM, filling to capacity, one lookup per
// cycle, lookups at full rate alongside firmware commands, the update port's share, reset.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { ConnStatus, LOOKUP_LATENCY, geometry, connTableDefaults } from '../../blocks/conn_table/params.ts';
import { bucketOf } from '../../blocks/conn_table/hash.ts';
import { fieldMask, type Tuple } from '../../blocks/conn_table/tcb.ts';
import { ConnTableHarness, type FwOp } from './driver.ts';
import { ConnTableModel } from './model.ts';
import { tupleArb } from './arbitraries.ts';

const N = connTableDefaults.conns;
const g = geometry(connTableDefaults);
const distinct = (n: number, seed: number, pred: (t: Tuple) => boolean = () => true): Tuple[] => {
  const seen = new Set<string>(), out: Tuple[] = [];
  for (const t of fc.sample(tupleArb.filter(pred), { numRuns: n * 4, seed })) {
    const k = JSON.stringify(t);
    if (!seen.has(k)) { seen.add(k); out.push(t); }
    if (out.length === n) break;
  }
  return out;
};
const inserts = (ts: readonly Tuple[]): FwOp[] => ts.map((tuple) => ({ op: 'insert', tuple }));

describe.each(simBackends())('conn_table directed (%s)', async (backend) => {
  const h = await ConnTableHarness.create({}, backend);
  afterAll(() => h.sim.close());

  it('refuses duplicates, bad and free indices with a status, counts them, and corrupts nothing', () => {
    h.restart();
    const ts = distinct(5, 1);
    expect(h.run({ ops: inserts(ts) }).results.map((r) => [r.status, r.index])).toEqual(ts.map((_, i) => [ConnStatus.OK, i]));
    h.op({ op: 'write', index: 2, mask: fieldMask(['state', 'rcv_nxt']), fields: { state: 4, rcv_nxt: 1234 } });
    const bad: [FwOp, number, number][] = [
      [{ op: 'insert', tuple: ts[2]! }, ConnStatus.DUPLICATE, 2],
      [{ op: 'delete', index: 7 }, ConnStatus.NOT_ALLOCATED, 7],
      [{ op: 'read', index: 63 }, ConnStatus.NOT_ALLOCATED, 63],
      [{ op: 'write', index: 5, mask: 1, fields: { state: 1 } }, ConnStatus.NOT_ALLOCATED, 5],
      [{ op: 'delete', index: 64 }, ConnStatus.BAD_INDEX, 64],
      [{ op: 'read', index: 0xffff }, ConnStatus.BAD_INDEX, 0xffff],
      [{ op: 'write', index: 1000, mask: 1, fields: { state: 1 } }, ConnStatus.BAD_INDEX, 1000],
    ];
    for (const [o, status, index] of bad) expect(h.op(o), JSON.stringify(o)).toMatchObject({ status, index });
    // A deleted index is free: deleting it again is refused.
    expect(h.op({ op: 'delete', index: 1 }).status).toBe(ConnStatus.OK);
    expect(h.op({ op: 'delete', index: 1 }).status).toBe(ConnStatus.NOT_ALLOCATED);
    // Datapath updates to free or bad indices are dropped and counted.
    h.run({ upds: [{ index: 1, mask: 1, fields: { state: 9 } }, { index: 64, mask: 1, fields: { state: 9 } }] });
    const r = h.run({ lookups: ts });
    expect(r.lookups.map((l) => l.hit)).toEqual([true, false, true, true, true]);
    expect(r.lookups[2]!.fields).toMatchObject({ state: 4, rcv_nxt: 1234, ...ts[2] });
    expect(h.stats()).toMatchObject({ occupancy: 4, insert_fails: 1, op_errors: 7, upd_refused: 2, hits: 4, misses: 1 });
    expect(h.stats()).toEqual(h.modelStats());
  });

  it('fills all 64 connections with random tuples (load factor 100%), then refuses with FULL', () => {
    h.restart();
    const ts = distinct(N + 1, 2);
    const r = h.run({ ops: inserts(ts), gap: 0.2, backpressure: 0.2, seed: 3 });
    const placed = r.results.filter((x) => x.status === ConnStatus.OK).length;
    console.log(`conn_table: ${placed} of ${N} connections placed (load factor ${(100 * placed / N).toFixed(1)}%), stash ${h.stats().stash_used}`);
    expect(placed).toBe(N);
    expect(r.results[N]!.status).toBe(ConnStatus.FULL);
    expect(h.stats()).toMatchObject({ occupancy: N, insert_fails: 1 });
    expect(h.run({ lookups: ts }).lookups.map((l) => l.hit)).toEqual([...ts.slice(0, N).map(() => true), false]);
    // Deleted indices come back in the order they were freed.
    h.run({ ops: [9, 3, 40].map((index) => ({ op: 'delete' as const, index })) });
    expect(h.run({ ops: inserts(ts.slice(N)) }).results[0]).toMatchObject({ status: ConnStatus.OK, index: 9 });
  });

  it('spills to the stash when both buckets are full, and answers NO_ROOM when the stash is full too', () => {
    h.restart();
    // Tuples that all hash to bucket 0 of bank 0 and bucket 0 of bank 1.
    const same = distinct(2 * g.ways + g.stash + 1, 4, (t) => bucketOf(g.masks[0]!, t) === 0 && bucketOf(g.masks[1]!, t) === 0);
    const r = h.run({ ops: inserts(same) });
    expect(r.results.map((x) => x.status)).toEqual([...same.slice(0, -1).map(() => ConnStatus.OK), ConnStatus.NO_ROOM]);
    expect(h.stats()).toMatchObject({ occupancy: same.length - 1, stash_used: g.stash, insert_fails: 1 });
    expect(h.run({ lookups: same }).lookups.map((l) => [l.hit, l.index])).toEqual([...same.slice(0, -1).map((_, i) => [true, i]), [false, 0]]);
    // Free a stash entry (the last one placed) and a bucket slot; the refused tuple now fits (in the bucket), and
    // takes the counter's next index (the counter is not spent yet).
    const stashIndex = same.length - 2;
    h.run({ ops: [{ op: 'delete', index: stashIndex }, { op: 'delete', index: 0 }] });
    expect(h.stats().stash_used).toBe(g.stash - 1);
    expect(h.op({ op: 'insert', tuple: same[same.length - 1]! })).toMatchObject({ status: ConnStatus.OK, index: same.length - 1 });
    expect(h.stats().stash_used).toBe(g.stash - 1);
    expect(h.lookup(same[0]!).hit).toBe(false);
    expect(h.stats()).toEqual(h.modelStats());
  });

  it(`takes one lookup per cycle and answers ${LOOKUP_LATENCY} cycles later: ${4 * N} lookups in ${4 * N} + ${LOOKUP_LATENCY} cycles`, () => {
    h.restart();
    const ts = distinct(N, 5);
    h.run({ ops: inserts(ts) });
    const lookups = [...ts, ...distinct(N, 6), ...ts, ...ts];
    const r = h.run({ lookups });
    expect(r.acceptCycle).toEqual(lookups.map((_, i) => i));
    expect(r.outCycle).toEqual(lookups.map((_, i) => i + LOOKUP_LATENCY));
    expect(r.cycles).toBe(lookups.length + LOOKUP_LATENCY);
    console.log(`conn_table: ${lookups.length} lookups in ${r.cycles} cycles (latency ${LOOKUP_LATENCY})`);
  });

  it('keeps lookups at full rate while firmware commands run: each insert borrows one cycle, nothing else does', () => {
    h.restart();
    const ts = distinct(40, 7);
    h.run({ ops: inserts(ts.slice(0, 20)) });
    const ops: FwOp[] = [
      ...inserts(ts.slice(20, 30)),
      ...[0, 1, 2, 3, 4].map((index) => ({ op: 'read' as const, index })),
      ...[5, 6, 7, 8, 9].map((index) => ({ op: 'write' as const, index, mask: fieldMask(['snd_una']), fields: { snd_una: index } })),
      ...[10, 11, 12].map((index) => ({ op: 'delete' as const, index })),
    ];
    const lookups = Array.from({ length: 400 }, (_, i) => ts[i % ts.length]!);
    const r = h.run({ ops, lookups });
    expect(r.results).toHaveLength(ops.length);
    expect(r.cycles).toBeLessThanOrEqual(lookups.length + LOOKUP_LATENCY + 10);
  });

  it('shares the TCB write port fairly between firmware writes and datapath updates', () => {
    h.restart();
    h.run({ ops: inserts(distinct(4, 8)) });
    const writes: FwOp[] = Array.from({ length: 60 }, (_, i) => ({ op: 'write', index: i % 4, mask: fieldMask(['rcv_adv']), fields: { rcv_adv: i } }));
    const upds = Array.from({ length: 120 }, (_, i) => ({ index: i % 4, mask: fieldMask(['rcv_nxt', 'snd_una']), fields: { rcv_nxt: i, snd_una: i } }));
    const r = h.run({ ops: writes, upds });
    // A write takes 3 cycles (IDLE, ACCESS, RESP); alternation costs the updates at most one cycle per write.
    expect(r.cycles).toBeLessThanOrEqual(Math.max(3 * writes.length, upds.length + writes.length) + 5);
    expect(h.run({ ops: [0, 1, 2, 3].map((index) => ({ op: 'read' as const, index })) }).results.map((x) => x.fields!.rcv_nxt)).toEqual([116, 117, 118, 119]);
  });

  it('forgets everything on reset (the banks are cleared, one bucket per cycle)', () => {
    h.restart();
    const ts = distinct(10, 9);
    h.run({ ops: inserts(ts) });
    h.restart();
    const r = h.run({ lookups: ts });
    expect(r.lookups.every((l) => !l.hit)).toBe(true);
    expect(r.acceptCycle[0]).toBeLessThanOrEqual(g.buckets);
    expect(h.stats()).toMatchObject({ occupancy: 0, stash_used: 0, lookups: 10, misses: 10 });
  });

  it('the checker can fail: a model whose updates ignore the mask is caught', () => {
    h.restart();
    h.run({ ops: inserts(distinct(2, 10)) });
    h.op({ op: 'write', index: 0, mask: fieldMask(['rcv_nxt']), fields: { rcv_nxt: 5 } });
    const broken = h.model as ConnTableModel;
    broken.update = function (index, _mask, fields) { return ConnTableModel.prototype.update.call(this, index, 0x1ffff, fields); };
    h.run({ upds: [{ index: 0, mask: fieldMask(['state']), fields: { state: 3 } }] });
    expect(() => h.op({ op: 'read', index: 0 })).toThrow(/READ|read/);
  });
});
