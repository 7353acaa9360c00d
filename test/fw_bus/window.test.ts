// The TCB/CSR window: AXI4-Lite accesses forwarded to the window port under random slave behaviour (accept
// delay, response latency, error responses, requests never taken, responses never sent or sent after the
// timeout) and random AXI timing, against a memory model; the bus answers each access from its own request's
// response or with SLVERR at the timeout, and never hangs.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { AxiResp, StatusFields, WINDOW_BASE, fieldOf, regAddr } from '../../blocks/fw_bus/regmap.ts';
import { FwBusDriver, FwBusError } from '../../sim/fw_bus/driver.ts';
import type { WindowBehaviour } from '../../sim/fw_bus/window-slave.ts';
import type { TimedMmioOp } from '../../sim/fw_bus/timed-axil-master.ts';
import { FwBusEnv, TEST_PARAMS, fwBusSim, rng, type FwBusSim } from './env.ts';

const T = TEST_PARAMS.windowTimeout;
const strobeMask = (s: number) => [0, 1, 2, 3].reduce((m, i) => (s & (1 << i) ? m | (0xff << (8 * i)) : m), 0) >>> 0;

interface Access { write: boolean; index: number; data: number; strb: number; behaviour: WindowBehaviour }

/** A behaviour for one request: mostly answered in time, sometimes an error, ignored, dropped or answered late. */
function behaviour(rand: () => number, maxLatency: number): WindowBehaviour {
  const r = rand();
  const acceptDelay = rand() < 0.5 ? 0 : Math.floor(rand() * 5);
  if (r < 0.06) return { kind: 'ignore' };
  if (r < 0.12) return { kind: 'drop', acceptDelay };
  if (r < 0.18) return { kind: 'answer', acceptDelay, latency: T + Math.floor(rand() * 12) }; // after the timeout
  const latency = Math.min(T - 1 - acceptDelay, Math.floor(rand() * (maxLatency + 1)));
  return { kind: 'answer', acceptDelay, latency, err: r < 0.26 };
}

/** Does the bus see this behaviour's response in time? */
const inTime = (b: WindowBehaviour) => b.kind === 'answer' && b.acceptDelay + b.latency <= T - 1;
const takes = (b: WindowBehaviour) => b.kind !== 'ignore' && b.acceptDelay <= T - 1;

function runCase(sim: FwBusSim, seed: number, n: number, maxLatency: number, timing: { validDelay: number; backpressure: number }): void {
  const env = new FwBusEnv(sim, { seed, timing });
  const rand = rng(seed);
  const model = new Map<number, number>();
  const indices = [0, 1, 2, 8191, 4096, 77];
  const accesses: Access[] = Array.from({ length: n }, () => {
    const write = rand() < 0.5;
    const strb = rand() < 0.6 ? 0xf : Math.floor(rand() * 16);
    return { write, index: indices[Math.floor(rand() * indices.length)]!, data: Math.floor(rand() * 2 ** 32) >>> 0, strb, behaviour: behaviour(rand, maxLatency) };
  });
  let nextBehaviour: WindowBehaviour = { kind: 'ignore' };
  env.win.choose = () => nextBehaviour;
  let timeouts = 0, errors = 0, late = 0, taken = 0;
  for (const a of accesses) {
    nextBehaviour = a.behaviour;
    const addr = WINDOW_BASE + 4 * a.index;
    const op: TimedMmioOp = a.write ? env.master.write(addr, a.data, a.strb) : env.master.read(addr);
    sim.until(() => op.done, { timeout: T + 40, what: `window access ${JSON.stringify(a)}` });
    const b = a.behaviour;
    const ok = inTime(b);
    const what = `${a.write ? 'write' : 'read'} of word ${a.index} with ${JSON.stringify(b)}`;
    // The response waits for the window, at most the timeout.
    expect(op.respondedAt! - op.acceptedAt!, what).toBeLessThanOrEqual(T + 1);
    if (takes(b)) {
      taken++;
      const req = env.win.taken[env.win.taken.length - 1]!;
      expect(req, what).toMatchObject({ addr: a.index, write: a.write, wdata: a.write ? a.data : 0, wstrb: a.write ? a.strb : 0 });
      if (a.write && !(b.kind === 'answer' && b.err) && b.kind !== 'drop') {
        const m = strobeMask(a.strb);
        model.set(a.index, (((model.get(a.index) ?? 0) & ~m) | (a.data & m)) >>> 0);
      }
    }
    expect(env.win.taken.length, what).toBe(taken);
    if (ok && !(b.kind === 'answer' && b.err)) {
      expect(op.resp, what).toBe(AxiResp.OKAY);
      if (!a.write) expect(op.value, what).toBe(model.get(a.index) ?? 0);
    } else {
      expect(op.resp, what).toBe(AxiResp.SLVERR);
      expect(op.value ?? 0, what).toBe(0);
      if (ok) errors++; else timeouts++;
    }
    if (b.kind === 'answer' && !ok && takes(b)) late++;
  }
  sim.step(T + 20); // let late responses arrive
  expect([...model].every(([k, v]) => env.win.read(k) === v)).toBe(true);
  const drv = env.drv;
  const status = drv.read('STATUS');
  expect(drv.read('WINDOW_TIMEOUTS')).toBe(timeouts);
  expect(fieldOf(StatusFields, 'windowTimeout', status)).toBe(timeouts > 0 ? 1 : 0);
  expect(fieldOf(StatusFields, 'windowError', status)).toBe(errors > 0 ? 1 : 0);
  expect(fieldOf(StatusFields, 'lateResponse', status)).toBe(late > 0 ? 1 : 0);
  expect(drv.read('BAD_ACCESSES')).toBe(0);
}

describe.each(simBackends())('fw_bus window (%s)', async (backend) => {
  const sim = await fwBusSim(backend);
  afterAll(() => sim.close());

  it('forwards every access and answers it from its own response or by the timeout, under random latency', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1 << 30 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom(0, 1, 4, 12),
      fc.constantFrom(0, 2), fc.constantFrom(0, 0.5),
      (seed, n, maxLatency, validDelay, backpressure) => runCase(sim, seed, n, maxLatency, { validDelay, backpressure }),
    ), { seed: 0x3d, numRuns: 40, endOnFailure: true });
  });

  it('a response in the cycle the request is taken, and one after many cycles, both arrive', () => {
    const env = new FwBusEnv(sim);
    const drv = env.drv;
    env.win.mem.set(5, 0xdeadbeef);
    env.win.choose = () => ({ kind: 'answer', acceptDelay: 0, latency: 0 });
    expect(drv.readWindow(5)).toBe(0xdeadbeef);
    const fast = drv.last as TimedMmioOp;
    env.win.choose = () => ({ kind: 'answer', acceptDelay: 3, latency: T - 4 });
    drv.writeWindow(5, 0x01020304);
    const slow = drv.last as TimedMmioOp;
    expect(env.win.read(5)).toBe(0x01020304);
    // Accepted in cycle a, request in a+1 (taken at once, answered at once), response offered in a+2.
    expect(fast.doneAt! - fast.acceptedAt!).toBe(2);
    expect(slow.doneAt! - slow.acceptedAt!).toBe(T + 1);
  });

  it('a request never taken is withdrawn at the timeout: SLVERR, counted, and the next access works', () => {
    const env = new FwBusEnv(sim);
    const drv = env.drv;
    env.win.choose = () => ({ kind: 'ignore' });
    expect(() => drv.readWindow(9)).toThrow(FwBusError);
    expect(drv.last!.resp).toBe(AxiResp.SLVERR);
    expect(env.win.taken.length).toBe(0);
    env.win.choose = () => ({ kind: 'answer', acceptDelay: 1, latency: 2 });
    drv.writeWindow(9, 7);
    expect(drv.readWindow(9)).toBe(7);
    expect(drv.read('WINDOW_TIMEOUTS')).toBe(1);
    expect(fieldOf(StatusFields, 'windowTimeout', drv.read('STATUS'))).toBe(1);
  });

  it('a response that comes after its request timed out is not taken as the next request\'s', () => {
    const env = new FwBusEnv(sim);
    const drv = env.drv;
    env.win.mem.set(1, 0x1111_1111);
    env.win.mem.set(2, 0x2222_2222);
    // Word 1 answers 6 cycles after the timeout, while the read of word 2 waits for its own (slow) answer.
    env.win.choose = (r) => (r.addr === 1 ? { kind: 'answer', acceptDelay: 0, latency: T + 6 } : { kind: 'answer', acceptDelay: 0, latency: 15 });
    expect(() => drv.readWindow(1)).toThrow(FwBusError);
    expect(drv.readWindow(2)).toBe(0x2222_2222);
    const stale = env.win.answered.find((a) => a.rdata === 0x1111_1111)!;
    expect(stale).toBeDefined();
    expect(stale.cycle).toBeLessThan((drv.last as TimedMmioOp).doneAt!); // it did arrive during the second read
    expect(fieldOf(StatusFields, 'lateResponse', drv.read('STATUS'))).toBe(1);
    drv.write('STATUS', 0xffff_ffff);
    expect(drv.read('STATUS')).toBe(0);
  });

  it('window addresses: word index = (addr - 0x8000) / 4, the last word included; address bits 1:0 ignored', () => {
    const env = new FwBusEnv(sim);
    const drv = env.drv;
    drv.writeWindow(8191, 0xabcd);
    expect(env.win.taken[0]!.addr).toBe(8191);
    const op = drv.access('read', 0xffff);
    expect(op.resp).toBe(AxiResp.OKAY);
    expect(op.value).toBe(0xabcd);
    expect(env.win.taken[1]!.addr).toBe(8191);
    expect(() => FwBusDriver.windowOffset(8192)).toThrow();
    expect(regAddr('WINDOW', 8191)).toBe(0xfffc);
  });
});
