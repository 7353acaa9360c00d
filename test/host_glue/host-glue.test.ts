// host_glue end to end: the host posts sends and commands through the rings, a firmware stand-in issues
// COPY_IN / HOST_NOTE and a tx_engine stand-in takes the appended bytes. Random traffic is checked against the
// reference model (model.ts); directed tests cover the command ring, nomem and MEM_AVAILABLE, a failing host
// read, a full pending-send table and bad requests.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { HostGlue } from '../../blocks/host_glue/host-glue.ts';
import { CmdOpcode, CplKind, CplStatus, RingId } from '../../blocks/host/layouts.ts';
import { command, event, HostNote, type FwCommand } from '../../firmware/api.ts';
import { GlueEnv, USER_TX, USER_BYTES } from './env.ts';
import { GlueModel, type ModelBug } from './model.ts';
import { compareRun } from './check.ts';

const TABLE = 16;
type ArbOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

describe.each(simBackends())('host_glue (%s)', async (backend) => {
  const sim = await simulate(HostGlue, {}, { backend });
  afterAll(() => sim.close());
  const fresh = (seed: number) => {
    for (const a of [...sim.agents]) sim.removeAgent(a);
    const env = new GlueEnv(sim as never, seed);
    sim.reset();
    env.drv.init();
    return env;
  };

  const desc = fc.record({ conn: fc.constantFrom(3, 4, 900), off: fc.integer({ min: 0, max: USER_BYTES - 3000 }), len: fc.integer({ min: 1, max: 3000 }) });
  const op = fc.oneof(
    { weight: 6, arbitrary: fc.record({ t: fc.constant('copy' as const), pick: fc.nat(), len: fc.integer({ min: 1, max: 2500 })}) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('copyWrong' as const), pick: fc.nat(), len: fc.integer({ min: 1, max: 100 }), req: fc.integer({ min: 40, max: 65535 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('note' as const), pick: fc.nat(), note: fc.integer({ min: 1, max: 8 }), status: fc.integer({ min: 0, max: 15 }), lp: fc.integer({ min: 0, max: 65535 }), rp: fc.integer({ min: 0, max: 65535 }), ip: fc.integer({ min: 0, max: 2 ** 32 - 1 }), value: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }) },
    { weight: 1, arbitrary: fc.constant({ t: 'garbage' as const }) },
  );

  type Desc = { conn: number; off: number; len: number };
  type Op = ArbOf<typeof op>;
  /** One random scenario: sends posted, then host requests, all checked against every model given. */
  const scenario = (seed: number, descs: Desc[], ops: Op[], budget: number, bugs: ModelBug[] = ['none']) => {
    const env = fresh(seed);
    env.axi.configure({ readLatency: 40, reorder: true, arStall: 0.1, rGap: 0.1 });
    env.txEvent.setBackpressure(0.3);
    env.sqApp.setBackpressure(0.3);
    env.hreq.setGap(0.3);
    env.budget = budget;
    const models = bugs.map((b) => { const m = new GlueModel(env.host, TABLE, b); m.budget = budget; return m; });
    const sends = descs.map((d) => ({ conn: d.conn, addr: USER_TX + d.off, len: d.len }));
    const idx = env.postSends(sends);
    sends.forEach((s, i) => models.forEach((m) => m.txDesc(idx[i]!, s)));
    env.runUntil(() => env.txEvent.got.length >= sends.length, 'HOST_SEND events');
    const cmds = ops.map((o): FwCommand => {
      const k = o.t === 'garbage' ? 0 : o.pick % sends.length;
      switch (o.t) {
        case 'copy': return command('COPY_IN', { conn: sends[k]!.conn, req: idx[k]!, len: o.len });
        case 'copyWrong': return o.req % 2 ? command('COPY_IN', { conn: sends[k]!.conn + 1, req: idx[k]!, len: o.len }) : command('COPY_IN', { conn: sends[k]!.conn, req: o.req, len: o.len });
        case 'note': return command('HOST_NOTE', { note: o.note, status: o.status, req: o.note === HostNote.SEND_DONE ? idx[k]! : o.lp, conn: sends[k]!.conn, local_port: o.lp, remote_port: o.rp, remote_ip: o.ip, value: o.value });
        case 'garbage': return command('TX_SEG', { conn: 1, seq: 2, len: 3, flags: 4 });
      }
    });
    cmds.forEach((c) => models.forEach((m) => m.hreq(c)));
    env.send(cmds);
    const want = models[0]!.out;
    env.runUntil(() => env.hreq.idle && env.txEvent.got.length >= want.events.length && env.notes().length >= want.notes.length && env.sqDone.idle, 'host requests');
    sim.step(100);
    env.reap();
    return { env, results: models.map((m) => compareRun(env, m.out)) };
  };

  it('matches the model under random sends, copies, notes and bad requests', () => {
    const seen = { bytes: 0, nomem: 0, refused: 0, freed: 0 };
    fc.assert(fc.property(
      fc.array(desc, { minLength: 1, maxLength: 12 }), fc.array(op, { minLength: 4, maxLength: 24 }),
      fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 6000 })), fc.integer({ min: 1, max: 1000 }),
      (descs, ops, budget, seed) => {
        const { env, results } = scenario(seed, descs, ops, budget);
        expect(results[0]).toEqual([]);
        expect(env.rx()).toEqual([]);
        expect(env.counter('dma_err_count')).toBe(0);
        seen.bytes += env.appends.reduce((n, a) => n + a.bytes.length, 0);
        seen.nomem += env.tx().filter((e) => e.kind === 'COPY_DONE' && e.nomem).length;
        seen.refused += env.counter('bad_copy_count');
        seen.freed += env.notes().filter((n) => n.note === HostNote.SEND_DONE).length;
      }), { numRuns: 25, seed: 42 });
    // The traffic really covered copies, nomem stops, refusals and freed requests.
    expect(seen.bytes).toBeGreaterThan(50_000);
    expect(Math.min(seen.nomem, seen.refused, seen.freed)).toBeGreaterThan(3);
  });

  it('fails a deliberately broken model (the comparison can fail)', () => {
    const descs = [{ conn: 3, off: 100, len: 2000 }, { conn: 4, off: 7001, len: 900 }];
    const ops = [
      { t: 'copy' as const, pick: 0, len: 700}, { t: 'copy' as const, pick: 0, len: 700},
      { t: 'note' as const, pick: 1, note: HostNote.ACCEPTED, status: 0, lp: 80, rp: 5555, ip: 0x0a000002, value: 77 },
    ];
    const { results } = scenario(5, descs, ops, Infinity, ['none', 'offset-not-advanced', 'note-arg-always-value']);
    expect(results[0]).toEqual([]);
    expect(results[1]!.join()).toMatch(/appends/);
    expect(results[2]!.join()).toMatch(/note completions/);
  });

  it('turns command descriptors into HOST_* events for the RX core; a bad opcode is answered and counted', () => {
    const env = fresh(7);
    env.rxEvent.setBackpressure(0.5);
    const cmds = [
      { opcode: CmdOpcode.LISTEN, localPort: 80 },
      { opcode: CmdOpcode.CONNECT, localPort: 1234, remotePort: 443, remoteAddr: 0x0a000001 },
      { opcode: 9, conn: 5 },
      { opcode: CmdOpcode.CLOSE, conn: 7 },
      { opcode: CmdOpcode.ABORT, conn: 8 },
      { opcode: CmdOpcode.UNLISTEN, localPort: 80 },
      { opcode: 0, conn: 6 },
    ];
    cmds.forEach((c) => env.drv.postCmd(c));
    env.drv.doorbell('cmd');
    env.runUntil(() => env.rxEvent.got.length >= 5 && env.reaped.length >= 2, 'command events');
    sim.step(200);
    env.reap();
    expect(env.rx()).toEqual([
      event('HOST_LISTEN', { req: 0, local_port: 80 }),
      event('HOST_CONNECT', { req: 1, remote_ip: 0x0a000001, remote_port: 443, local_port: 1234 }),
      event('HOST_CLOSE', { req: 3, conn: 7 }),
      event('HOST_ABORT', { req: 4, conn: 8 }),
      event('HOST_UNLISTEN', { req: 5, local_port: 80 }),
    ]);
    expect(env.reaped.map((c) => [c.kind, c.status, c.ring, c.index, c.conn])).toEqual([
      [CplKind.CMD, CplStatus.BAD_OPCODE, RingId.CMD, 2, 5], [CplKind.CMD, CplStatus.BAD_OPCODE, RingId.CMD, 6, 6],
    ]);
    expect(env.counter('bad_cmd_count')).toBe(2);
    expect(env.tx()).toEqual([]);
  });

  it('stops a copy at nomem, posts MEM_AVAILABLE once mem_ok, and resumes at the right offset', () => {
    const env = fresh(8);
    const m = new GlueModel(env.host, TABLE);
    const s = { conn: 12, addr: USER_TX + 3, len: 3000 };
    const [req] = env.postSends([s]);
    m.txDesc(req!, s);
    env.runUntil(() => env.txEvent.got.length >= 1, 'HOST_SEND');
    env.budget = m.budget = 1000;
    const c1 = command('COPY_IN', { conn: 12, req: req!, len: 2500 });
    m.hreq(c1);
    env.send([c1]);
    env.runUntil(() => env.txEvent.got.length >= 2, 'COPY_DONE');
    expect(env.tx()[1]).toEqual(event('COPY_DONE', { conn: 12, req: req!, copied: 1000, nomem: 1 }));
    sim.step(300);
    expect(env.txEvent.got.length).toBe(2); // no MEM_AVAILABLE while mem_ok is low
    env.poke('skb_free_count', 37);
    env.poke('mem_ok', 1);
    env.runUntil(() => env.txEvent.got.length >= 3, 'MEM_AVAILABLE');
    sim.step(300);
    expect(env.tx().slice(2)).toEqual([event('MEM_AVAILABLE', { free_blocks: 37 })]); // exactly once
    env.budget = m.budget = Infinity;
    const c2 = command('COPY_IN', { conn: 12, req: req!, len: 5000 });
    m.hreq(c2);
    env.send([c2]);
    env.runUntil(() => env.txEvent.got.length >= 4, 'second COPY_DONE');
    m.out.events.splice(2, 0, event('MEM_AVAILABLE', { free_blocks: 37 }));
    expect(compareRun(env, m.out)).toEqual([]);
    expect(env.tx()[3]).toEqual(event('COPY_DONE', { conn: 12, req: req!, copied: 2000, nomem: 0 }));
  });

  it('appends only the bytes before a failed host read, ends the append and counts the error', () => {
    const env = fresh(9);
    const s = { conn: 2, addr: USER_TX + 0x1000 + 5, len: 1500 };
    const [req] = env.postSends([s]);
    env.runUntil(() => env.txEvent.got.length >= 1, 'HOST_SEND');
    env.axi.errors = [{ start: USER_TX + 0x1200, end: USER_TX + 0x1240, resp: 2, on: 'read' }];
    env.send([command('COPY_IN', { conn: 2, req: req!, len: 1500 })]);
    env.runUntil(() => env.txEvent.got.length >= 2, 'COPY_DONE');
    const done = env.tx()[1]!;
    const got = env.appends[0]!.bytes;
    expect(done.kind).toBe('COPY_DONE');
    expect((done as { copied: number }).copied).toBe(got.length);
    expect(got.length).toBeLessThanOrEqual(0x1200 - 0x1005);
    expect(got.length).toBeGreaterThan(0);
    expect(Buffer.from(got)).toEqual(Buffer.from(env.host.read(s.addr, got.length)));
    expect(env.counter('dma_err_count')).toBe(1);
    expect(env.faults).toEqual([]);
    // The host fixed its buffer: the next COPY_IN continues right after the bytes already queued.
    env.axi.errors = [];
    env.send([command('COPY_IN', { conn: 2, req: req!, len: 1500 })]);
    env.runUntil(() => env.txEvent.got.length >= 3, 'second COPY_DONE');
    expect(Buffer.from(env.appends[1]!.bytes)).toEqual(Buffer.from(env.host.read(s.addr + got.length, 1500 - got.length)));
  });

  it('holds a send whose table slot is busy until SEND_DONE frees it; refuses stale and unknown requests', () => {
    const env = fresh(10);
    const sends = Array.from({ length: TABLE + 2 }, (_, i) => ({ conn: 1, addr: USER_TX + 64 * i, len: 10 + i }));
    const idx = env.postSends(sends);
    env.runUntil(() => env.txEvent.got.length >= TABLE, 'HOST_SEND events');
    sim.step(2000);
    expect(env.txEvent.got.length).toBe(TABLE); // the 17th waits for slot 0
    env.send([command('HOST_NOTE', { note: HostNote.SEND_DONE, req: idx[0]!, conn: 1, value: 10 })]);
    env.runUntil(() => env.txEvent.got.length >= TABLE + 1, 'HOST_SEND 16');
    expect(env.tx()[TABLE]).toEqual(event('HOST_SEND', { req: TABLE, conn: 1, len: 10 + TABLE }));
    // req 0 is gone: a COPY_IN for it is refused; req 16 (same slot) is served.
    env.send([
      command('COPY_IN', { conn: 1, req: 0, len: 5 }),
      command('COPY_IN', { conn: 1, req: TABLE, len: 100 }),
      command('SKB_FREE', { skb: 3 }),
    ]);
    env.runUntil(() => env.txEvent.got.length >= TABLE + 3 && env.hreq.idle, 'COPY_DONEs');
    sim.step(100);
    expect(env.tx().slice(TABLE + 1)).toEqual([
      event('COPY_DONE', { conn: 1, req: 0, copied: 0, nomem: 0 }),
      event('COPY_DONE', { conn: 1, req: TABLE, copied: 10 + TABLE, nomem: 0 }),
    ]);
    expect(env.counter('bad_copy_count')).toBe(1);
    expect(env.counter('bad_hreq_count')).toBe(1);
    expect(env.notes()).toEqual([{ kind: CplKind.NOTE, note: HostNote.SEND_DONE, status: 0, req: 0, conn: 1, localPort: 0, arg: 10, remotePort: 0 }]);
  });
});
