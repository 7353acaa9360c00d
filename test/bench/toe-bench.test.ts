// `toe bench toe` in a reduced configuration: the JSON line's shape and the figures' sanity (no wall-clock checks),
// and that the measurements react when the model is made slower or broken.
import { beforeAll, describe, expect, it } from 'vitest';
import { benchJson, QUICK_CONFIG, runToeBench, type ToeBenchResult } from '../../bench/toe.ts';
import { goodput } from '../../bench/toe-goodput.ts';
import { transferCost } from '../../bench/toe-cost.ts';
import { toCycles } from '../../bench/toe-pair.ts';

describe('toe bench toe (reduced)', () => {
  let r: ToeBenchResult;
  let j: Record<string, unknown>;
  beforeAll(() => {
    r = runToeBench({ ...QUICK_CONFIG, goodputBytes: 128 << 10 });
    j = benchJson(r);
  });

  it('prints the JSON fields the headline needs, as numbers', () => {
    for (const k of ['goodput_fraction_mss', 'latency_rx_to_user_cycles', 'latency_doorbell_to_wire_cycles', 'send_1MB_cycles',
      'recv_1MB_cycles', 'tx_core_util', 'rx_core_util', 'tx_core_util_both_ways', 'rx_core_util_both_ways']) {
      expect(typeof j[k], k).toBe('number');
      expect(Number.isFinite(j[k] as number), k).toBe(true);
    }
    expect(j.bench).toBe('toe');
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  it('goodput fractions are in (0, 1] and within what the segment geometry allows', () => {
    for (const g of r.goodput) {
      expect(g.fraction).toBeGreaterThan(0);
      expect(g.fraction).toBeLessThanOrEqual(1);
      expect(g.fraction).toBeLessThanOrEqual(g.ideal * 1.005);
      expect(g.payload).toBe(g.mss - 12); // timestamps on
    }
    // One connection one way at MSS 1460 on an idle 10 Gb/s link reaches most of what TCP can carry.
    expect(j.goodput_fraction_mss as number).toBeGreaterThan(0.8);
  });

  it('utilisations are fractions; the sender\'s TX core works, the fast path spares the RX core', () => {
    for (const g of r.goodput) for (const u of [g.a.rx, g.a.tx, g.b.rx, g.b.tx]) { expect(u).toBeGreaterThanOrEqual(0); expect(u).toBeLessThanOrEqual(1); }
    expect(j.tx_core_util as number).toBeGreaterThan(0);
    expect(j.rx_core_util as number).toBe(0);
  });

  it('latencies are positive and ordered: the RX core path is slower than the fast path, a lone segment waits for the delayed ACK', () => {
    const l = r.latency;
    for (const v of [l.doorbellToWire, l.rxToUserFast, l.rxToUserFirmware, l.ackEverySecond, l.ackDelayed, l.ackOutOfOrder]) expect(v).toBeGreaterThan(0);
    expect(l.doorbellToWire).toBeGreaterThan(l.doorbellFixed.hostCommand + l.doorbellFixed.copyIn + l.doorbellFixed.txPipe);
    expect(l.rxToUserFirmware).toBeGreaterThan(l.rxToUserFast);
    expect(l.ackOutOfOrder).toBeGreaterThan(l.ackEverySecond);
    expect(l.ackDelayed).toBeGreaterThanOrEqual(200_000);
    expect(j.latency_rx_to_user_cycles).toBeCloseTo(toCycles(l.rxToUserFast), 1);
  });

  it('costs: one descriptor pair, one doorbell and one completion per send; one read per segment received', () => {
    for (const c of r.costs) {
      expect(c.sendNs).toBeGreaterThan(0);
      expect(c.recvNs).toBeGreaterThan(0);
      expect(c.sendAckedNs).toBeGreaterThanOrEqual(c.sendNs);
      expect(c.endToEndNs).toBeGreaterThan(c.recvNs);
      expect(c.sendHost).toEqual({ descriptors: 2, doorbells: 1, completions: 1 });
      expect(c.recvReads).toBe(Math.ceil(c.bytes / 1448));
      expect(c.sendFwCycles).toBeGreaterThan(0);
    }
  });

  it('can fail: a slow core shows as a busy TX core and lost goodput', () => {
    const slow = goodput({ mss: 536, bytes: 128 << 10, bothWays: false, pair: { toe: { coreHz: 50e6 } } });
    expect(slow.a.tx).toBeGreaterThan(0.95);
    expect(slow.fraction).toBeLessThan(0.5 * slow.ideal);
  });

  it('can fail: goodput refuses to count data a broken model corrupted', () => {
    expect(() => goodput({
      mss: 1460, bytes: 128 << 10, bothWays: false, pair: { link: { loss: 0.05, seed: 3 }, toe: { faults: { oooAsInOrder: true } } },
    })).toThrow(/corrupted|refused/);
  });

  it('a larger message costs more cycles but not more host work on the send side', () => {
    const small = transferCost(1_400), big = transferCost(50_000);
    expect(toCycles(big.recvNs)).toBeGreaterThan(toCycles(small.recvNs));
    expect(big.sendHost).toEqual(small.sendHost);
  });
});
