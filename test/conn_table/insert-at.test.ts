// conn_table with indexFromCmd (the TOE's CONN_INSERT: the firmware picks the index): inserts land at the
// command's index, a busy or out-of-range index and a duplicate tuple are refused and counted, deletes free the
// slot for reuse, lookups find the firmware's index. Directed, on every back end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simBackends } from '../backends.ts';
import { simulate } from '../../sim/harness.ts';
import { ConnTable } from '../../blocks/conn_table/conn-table.ts';
import { ConnOp, ConnStatus, LOOKUP_LATENCY } from '../../blocks/conn_table/params.ts';
import { fieldMask, type Tuple } from '../../blocks/conn_table/tcb.ts';

const tuple = (i: number): Tuple => ({ local_ip: 0x0a000001, remote_ip: 0x0a000100 + i, local_port: 5000, remote_port: 80 + i });

describe.each(simBackends())('conn_table insert at index (%s)', (backend) => {
  type S = { poke(n: string, v: number | bigint): void; peek(n: string): number | bigint; step(n: number): void; reset(): void; close(): void };
  let sim: S;
  beforeAll(async () => { sim = (await simulate(ConnTable, { indexFromCmd: true }, { backend })) as unknown as S; }, 120_000);
  afterAll(() => sim?.close());
  const N = (n: string) => Number(sim.peek(n));

  /** One firmware command; returns [status, index] of its response. */
  function cmd(op: number, index: number, t: Tuple = tuple(0), mask = 0, fields: Record<string, number> = {}): [number, number] {
    sim.poke('cmd_valid', 1); sim.poke('cmd_op', op); sim.poke('cmd_index', index); sim.poke('cmd_mask', mask);
    for (const [k, v] of Object.entries({ ...t, ...fields })) sim.poke(`cmd_${k}`, v);
    sim.poke('resp_ready', 1);
    for (let i = 0; i < 50 && !N('cmd_ready'); i++) sim.step(1);
    expect(N('cmd_ready')).toBe(1);
    sim.step(1);
    sim.poke('cmd_valid', 0);
    for (let i = 0; i < 10 && !N('resp_valid'); i++) sim.step(1);
    const r: [number, number] = [N('resp_status'), N('resp_index')];
    sim.step(1);
    return r;
  }
  function lookup(t: Tuple): { hit: boolean; index: number } {
    sim.poke('out_ready', 1); sim.poke('lookup_valid', 1);
    for (const [k, v] of Object.entries(t)) sim.poke(`lookup_${k}`, v);
    while (!N('lookup_ready')) sim.step(1);
    sim.step(1);
    sim.poke('lookup_valid', 0);
    for (let i = 0; i < LOOKUP_LATENCY + 5 && !N('out_valid'); i++) sim.step(1);
    const r = { hit: N('out_hit') === 1, index: N('out_index') };
    sim.step(1);
    return r;
  }

  it('inserts at the firmware index and refuses busy, out-of-range and duplicate inserts', () => {
    sim.reset();
    sim.step(40); // the banks clear after reset
    const { INSERT, DELETE, READ, WRITE } = ConnOp;
    expect(cmd(INSERT, 5, tuple(1))).toEqual([ConnStatus.OK, 5]);
    expect(cmd(INSERT, 63, tuple(2))).toEqual([ConnStatus.OK, 63]);
    expect(cmd(INSERT, 0, tuple(3))).toEqual([ConnStatus.OK, 0]);
    expect(cmd(INSERT, 5, tuple(4))).toEqual([ConnStatus.SLOT_BUSY, 5]);
    expect(cmd(INSERT, 64, tuple(4))).toEqual([ConnStatus.BAD_INDEX, 64]);
    expect(cmd(INSERT, 0xffff, tuple(4))).toEqual([ConnStatus.BAD_INDEX, 0xffff]);
    expect(cmd(INSERT, 7, tuple(2))).toEqual([ConnStatus.DUPLICATE, 63]);
    expect(N('stats_insert_fails')).toBe(4);
    expect(N('stats_occupancy')).toBe(3);
    expect(lookup(tuple(2))).toEqual({ hit: true, index: 63 });
    expect(lookup(tuple(4)).hit).toBe(false);
    expect(cmd(WRITE, 63, tuple(0), fieldMask(['rcv_nxt']), { rcv_nxt: 1234 })).toEqual([ConnStatus.OK, 63]);
    expect(cmd(READ, 63)).toEqual([ConnStatus.OK, 63]);
    // Delete frees the slot: the same index takes a new tuple, the old tuple stops matching.
    expect(cmd(DELETE, 5)).toEqual([ConnStatus.OK, 5]);
    expect(cmd(INSERT, 5, tuple(9))).toEqual([ConnStatus.OK, 5]);
    expect(lookup(tuple(1)).hit).toBe(false);
    expect(lookup(tuple(9))).toEqual({ hit: true, index: 5 });
    // Every index can be used, in any order (no free list to run dry).
    for (let i = 62; i >= 1; i--) if (i !== 5) expect(cmd(INSERT, i, tuple(100 + i))[0]).toBe(ConnStatus.OK);
    expect(N('stats_occupancy')).toBe(64);
    expect(lookup(tuple(100 + 33))).toEqual({ hit: true, index: 33 });
  });
});
