// The ring engine against the reference model: random descriptors on small rings (wrapping, filling), every
// valid one delivered once in order with its fields, every bad one (zero length, out of range, failed fetch)
// answered by its error completion; completions written in order with the right phase across laps, never
// over an unconsumed entry; overrun doorbells rejected; interrupts coalesced by count and by time.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { RingEngine, ringEngineDefaults } from '../../blocks/host/ring-engine.ts';
import { CplKind, CplStatus, RingId, StatusBits, regAddr } from '../../blocks/host/layouts.ts';
import { fromWord } from '../../blocks/host/layout-codec.ts';
import { descStatus } from './model.ts';
import { RINGS, RingEnv } from './ring-env.ts';
import type { Rec } from '../../sim/host/handshake-agents.ts';

const { addrBits, lenBits } = ringEngineDefaults;
const size = (r: keyof typeof RINGS) => 1 << RINGS[r].logSize;

/** A TX/RX descriptor: mostly good, some zero-length or out of range. */
const descArb = fc.oneof(
  { weight: 12, arbitrary: fc.record({ addr: fc.bigInt({ min: 0n, max: (1n << 40n) }), len: fc.integer({ min: 1, max: 100_000 }) }) },
  { weight: 1, arbitrary: fc.record({ addr: fc.bigInt({ min: 0n, max: 1n << 40n }), len: fc.constant(0) }) },
  { weight: 1, arbitrary: fc.record({ addr: fc.bigInt({ min: (1n << 48n) - 50n, max: (1n << 64n) - 1n }), len: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ addr: fc.bigInt({ min: 0n, max: 1n << 40n }), len: fc.integer({ min: 2 ** 20, max: 2 ** 32 - 1 }) }) },
);

describe.each(simBackends())('ring_engine (%s)', async (backend) => {
  const sim = await simulate(RingEngine, {}, { backend });
  afterAll(() => sim.close());

  const fresh = (seed: number, opts = {}) => {
    for (const a of [...sim.agents]) sim.removeAgent(a);
    const env = new RingEnv(sim as never, seed, opts);
    sim.reset();
    env.drv.init();
    return env;
  };
  const status = (env: RingEnv) => fromWord(StatusBits, env.mmio.readNow(regAddr('STATUS')));

  it('delivers every good descriptor once, in order; answers every bad one; completes in order across laps', () => {
    const env = fresh(1);
    env.axi.configure({ readLatency: 25, arStall: 0.2, rGap: 0.2, awStall: 0.2, wStall: 0.2 });
    for (const s of [env.tx, env.rx, env.cmd]) s.setBackpressure(0.4);
    const descs = { tx: fc.sample(descArb, { numRuns: 60, seed: 5 }), rx: fc.sample(descArb, { numRuns: 40, seed: 6 }) };
    const cmds = fc.sample(fc.record({ opcode: fc.integer({ min: 1, max: 4 }), conn: fc.integer({ min: 0, max: 65535 }), param: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }), { numRuns: 12, seed: 7 });
    const posted = { tx: 0, rx: 0, cmd: 0 };
    const echoed: Rec[] = [];
    // The NIC side answers each delivered TX descriptor with a completion, as the send path would.
    env.tx.onRecord = (r) => { if (r.abort) return; const c = { kind: BigInt(CplKind.TX), status: 0n, ring: 0n, flags: 0n, index: r.index!, conn: r.conn!, len: r.len!, csum: 0x5a5an }; echoed.push(c); env.cpl.send(c); };
    const bad = (r: 'tx' | 'rx') => descs[r].filter((d) => descStatus(d.addr, d.len, addrBits, lenBits) !== CplStatus.OK).length;
    const expectedCpl = echoedTotal() + bad('tx') + bad('rx');
    function echoedTotal() { return descs.tx.length - bad('tx'); }
    let fetched = { tx: 0, rx: 0, cmd: 0 };
    let step = 0;
    env.runUntil(() => {
      // Post a few descriptors where the ring has room (by the NIC's CONS, read now and then), ring the doorbell.
      if (++step % 40 === 0) fetched = { tx: env.drv.fetched('tx'), rx: env.drv.fetched('rx'), cmd: env.drv.fetched('cmd') };
      for (const r of ['tx', 'rx'] as const) {
        let n = 0;
        while (posted[r] < descs[r].length && env.drv.outstanding(r, fetched[r]) < size(r) && n < 3) {
          const d = descs[r][posted[r]++]!;
          if (r === 'tx') env.drv.postTx({ addr: d.addr, len: d.len, conn: posted.tx & 0xffff, flags: posted.tx & 7 });
          else env.drv.postRx({ addr: d.addr, len: d.len });
          n++;
        }
        if (n) env.drv.doorbell(r);
      }
      if (posted.cmd < cmds.length && env.drv.outstanding('cmd', fetched.cmd) < size('cmd')) {
        env.drv.postCmd({ ...cmds[posted.cmd++]!, localPort: 80 });
        env.drv.doorbell('cmd');
      }
      return env.reaped.length === expectedCpl && env.cmd.got.length === cmds.length;
    }, 60_000, 'all descriptors delivered and completions reaped');

    const good = (r: 'tx' | 'rx') => descs[r].map((d, i) => ({ ...d, index: i })).filter((d) => descStatus(d.addr, d.len, addrBits, lenBits) === CplStatus.OK);
    expect(env.tx.got.filter((g) => !g.abort).map((g) => [Number(g.index), g.addr, Number(g.len), Number(g.conn)])).toEqual(good('tx').map((d) => [d.index, d.addr, d.len, (d.index + 1) & 0xffff]));
    // Bad TX descriptors also reach the send path, marked abort, so it can fail their gather chains.
    expect(env.tx.got.map((g) => Number(g.abort))).toEqual(descs.tx.map((d) => (descStatus(d.addr, d.len, addrBits, lenBits) === CplStatus.OK ? 0 : 1)));
    expect(env.rx.got.map((g) => [Number(g.index), g.addr, Number(g.len)])).toEqual(good('rx').map((d) => [d.index, d.addr, d.len]));
    expect(env.cmd.got.map((g) => [Number(g.index), Number(g.opcode), Number(g.conn), Number(g.param), Number(g.localPort)])).toEqual(cmds.map((c, i) => [i, c.opcode, c.conn, c.param, 80]));
    // The NIC side's completions appear in the order it sent them; each bad descriptor has its own error.
    const tx = env.reaped.filter((c) => c.kind === CplKind.TX && c.status === 0);
    expect(tx.map((c) => [c.index, c.conn, c.len, c.csum])).toEqual(echoed.map((c) => [Number(c.index), Number(c.conn), Number(c.len), 0x5a5a]));
    for (const r of ['tx', 'rx'] as const) {
      const errs = env.reaped.filter((c) => c.ring === RingId[r.toUpperCase() as 'TX' | 'RX'] && c.status !== 0);
      const want = descs[r].map((d, i) => ({ i, s: descStatus(d.addr, d.len, addrBits, lenBits), len: d.len })).filter((x) => x.s !== CplStatus.OK);
      expect(errs.map((c) => [c.index, c.status, c.len])).toEqual(want.map((x) => [x.i, x.s, x.len % 2 ** 32]));
    }
    expect(env.strayWrites()).toEqual([]);
    expect(status(env).descError).toBe(1n);
    expect(env.drv.interrupts).toBeGreaterThan(0);
  });

  it('ignores a doorbell that overruns its ring and reports it; the ring keeps working', () => {
    const env = fresh(2);
    env.drv.postTx({ addr: 0x1000, len: 10 });
    env.drv.doorbell('tx', size('tx') + 1); // more than the ring holds
    env.runUntil(() => env.reaped.length === 1, 2000, 'overrun completion');
    expect(env.reaped[0]).toMatchObject({ kind: CplKind.ERROR, status: CplStatus.OVERRUN, ring: RingId.TX, index: size('tx') + 1 });
    expect(env.tx.got).toEqual([]);
    expect(status(env).txOverrun).toBe(1n);
    expect(env.drv.fetched('tx')).toBe(0);
    env.drv.doorbell('tx'); // the right value
    env.runUntil(() => env.tx.got.length === 1, 2000, 'the descriptor after the overrun');
    expect(Number(env.tx.got[0]!.len)).toBe(10);
    // A backwards doorbell is an overrun too; a completion CONS past the producer is rejected the same way.
    env.drv.doorbell('rx', 0xffff);
    env.mmio.write(regAddr('CONS', RingId.CPL), 40);
    env.runUntil(() => env.reaped.length === 3, 2000, 'two more overrun completions');
    expect(env.reaped.slice(1).map((c) => [c.kind, c.status, c.ring, c.index])).toEqual([[CplKind.ERROR, CplStatus.OVERRUN, RingId.RX, 0xffff], [CplKind.ERROR, CplStatus.OVERRUN, RingId.CPL, 40]]);
    const st = status(env);
    expect([st.rxOverrun, st.cplOverrun]).toEqual([1n, 1n]);
    env.mmio.writeNow(regAddr('STATUS'), 0xffffffff);
    expect(env.mmio.readNow(regAddr('STATUS'))).toBe(0);
  });

  it('turns descriptors whose fetch failed (SLVERR, DECERR) into FETCH_ERROR completions', () => {
    const env = fresh(3);
    const slot = (r: 'tx' | 'rx', i: number) => RINGS[r].base + 16 * i;
    env.axi.errors = [{ start: slot('tx', 2), end: slot('tx', 3), resp: 2, on: 'read' }, { start: slot('rx', 1), end: slot('rx', 2), resp: 3, on: 'read' }];
    for (let i = 0; i < 5; i++) env.drv.postTx({ addr: 0x1000 * i, len: 100 + i });
    for (let i = 0; i < 3; i++) env.drv.postRx({ addr: 0x1000 * i, len: 200 + i });
    env.drv.doorbell('tx'); env.drv.doorbell('rx');
    env.runUntil(() => env.tx.got.length === 5 && env.rx.got.length === 2 && env.reaped.length === 2, 3000, 'descriptors and errors');
    expect(env.tx.got.map((g) => [Number(g.index), Number(g.abort)])).toEqual([[0, 0], [1, 0], [2, 1], [3, 0], [4, 0]]);
    expect(env.rx.got.map((g) => Number(g.index))).toEqual([0, 2]);
    expect(env.reaped.map((c) => [c.ring, c.index, c.status]).sort()).toEqual([[RingId.RX, 1, CplStatus.FETCH_ERROR], [RingId.TX, 2, CplStatus.FETCH_ERROR]].sort());
    expect(status(env).fetchError).toBe(1n);
  });

  it('holds completions while the ring is full and never overwrites an unconsumed entry', () => {
    const env = fresh(4, { irqPort: null });
    const n = size('cpl') + 5;
    for (let i = 0; i < n; i++) env.cpl.send({ kind: CplKind.CMD, index: i, conn: i });
    sim.step(1500);
    expect(env.cpl.sent).toBe(size('cpl')); // the rest wait
    expect(env.mmio.readNow(regAddr('PROD', RingId.CPL))).toBe(size('cpl'));
    const first = env.drv.reap();
    expect(first.map((c) => c.index)).toEqual([...Array(size('cpl')).keys()]);
    env.drv.ackCompletions();
    sim.step(1000);
    const rest = env.drv.reap();
    expect(rest.map((c) => c.index)).toEqual([...Array(5).keys()].map((i) => i + size('cpl')));
    expect(env.strayWrites()).toEqual([]);
  });

  it('coalesces interrupts by count and by time, and only while armed', () => {
    const env = fresh(5, { irqCount: 4, irqTime: 300 });
    for (let i = 0; i < 3; i++) env.cpl.send({ kind: CplKind.CMD, index: i });
    sim.step(200);
    expect(env.drv.interrupts).toBe(0); // 3 < 4, and the timer has not run out
    env.cpl.send({ kind: CplKind.CMD, index: 3 });
    sim.step(60);
    expect(env.drv.interrupts).toBe(1); // the fourth
    env.cpl.send({ kind: CplKind.CMD, index: 4 });
    sim.step(500);
    expect(env.drv.interrupts).toBe(1); // disarmed: nothing until re-armed
    env.drv.reap(); env.drv.ackCompletions();
    env.drv.rearm();
    sim.step(20);
    expect(env.drv.interrupts).toBe(2); // the pending one's timer had already run out
    env.drv.rearm();
    env.cpl.send({ kind: CplKind.CMD, index: 5 });
    const t0 = sim.cycle;
    sim.until(() => env.drv.interrupts === 3, { timeout: 1000 });
    expect(sim.cycle - t0).toBeGreaterThanOrEqual(300); // the timer, from the completion's arrival
    expect(sim.cycle - t0).toBeLessThan(450);
  });

  it('reports a failed completion write in STATUS', () => {
    const env = fresh(6, { irqPort: null });
    env.axi.errors = [{ start: RINGS.cpl.base + 16, end: RINGS.cpl.base + 32, resp: 2, on: 'write' }];
    env.cpl.send({ kind: CplKind.CMD, index: 0 });
    env.cpl.send({ kind: CplKind.CMD, index: 1 });
    sim.step(400);
    expect(status(env).cplWriteError).toBe(1n);
    expect(env.drv.reap().map((c) => c.index)).toEqual([0]);
  });
});
