// The delayed-ACK policy of the ACK generator (64 connections, 64-bit): an ACK after two full-size segments, after
// the timeout for a single one, at once for out-of-order data; connections independent of each other under
// random interleaving; challenge ACKs rate-limited per connection and in all; TX-path reports clear pending ACKs.
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { simulate, type Sim } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { AckGen } from '../../blocks/ack_tx/ack-gen.ts';
import { AckEventKind as Ev } from '../../blocks/ack_tx/types.ts';
import { parseFrame, type TcpFrame } from '../../sim/packet/index.ts';
import { FrameCollector, expectFrame, resetAckGen, runAckEvents, type TimedFrame } from './drivers.ts';
import { HandshakeSource, NO_SACK, type AckEvent, type SackBlockValue } from './fields.ts';
import { expectedAckFrame } from './reference.ts';
import { SackStateModel, sackSet, type SackSetValue } from './sack-state.ts';
import { u32 } from './arbitraries.ts';

const CONNS = 64;
const MSS = 1000;
const TIMEOUT = 300;
/** An immediate ACK's first beat leaves within this many cycles of its event (pipeline + one frame queued ahead). */
const PROMPT = 24;
/** A timer ACK leaves within this many cycles after its deadline: one sweep round plus the pipeline. */
const SWEEP_SLACK = CONNS + 40;

/** Connection c's fields: its port numbers name it in the frames. */
function event(conn: number, kind: number, len: number, rcvNxt: number, over: Partial<AckEvent> = {}): AckEvent {
  return {
    conn, event: kind, mss: MSS, dst_mac: 0x020000000002, src_mac: 0x020000000001, src_ip: 0xc6120001, dst_ip: 0xc6120002,
    src_port: 10000 + conn, dst_port: 5001, snd_nxt: 0x1000 * conn, rcv_nxt: rcvNxt >>> 0, rcv_wnd: 64000, rcv_wscale: 0,
    ts_enabled: false, ts_recent: 0, sack_count: 0, sack: NO_SACK, seg_seq: 0, seg_ack: 0, seg_len: len, seg_flags: 0x10, ...over,
  };
}

function tcpOf(f: TimedFrame): TcpFrame {
  const p = parseFrame(f.data);
  if (!p.ok || p.value.kind !== 'tcp') throw new Error('not a TCP frame');
  return p.value;
}
const connOf = (f: TimedFrame) => tcpOf(f).tcp.srcPort - 10000;
const sackOf = (f: TimedFrame): SackBlockValue[] => {
  const o = tcpOf(f).tcp.options.find((x) => x.type === 'sack');
  return o && o.type === 'sack' ? o.blocks.map((b) => ({ ...b })) : [];
};

const config = { delackTimeout: TIMEOUT, chalInterval: 2000, chalLimit: 1000, tsval: 42 };

describe.each(simBackends())('ack_gen delayed-ACK policy on %s', async (backend) => {
  const sim = await simulate(AckGen, { width: 64, conns: CONNS }, { backend });
  afterAll(() => sim.close());

  /** Runs scheduled events (cycle offsets from now) for `cycles` cycles; returns frames and when each event was taken. */
  function schedule(events: { at: number; ev: AckEvent }[], cycles: number, s: Sim<unknown> = sim, sets: { at: number; set: SackSetValue }[] = []) {
    const start = s.cycle;
    const src = new HandshakeSource<AckEvent>(s, 'ev');
    const sackSrc = new HandshakeSource<SackSetValue>(s, 'sack_set');
    const out = new FrameCollector(s, 'm_axis');
    for (const e of [...events].sort((a, b) => a.at - b.at)) src.pushAt(start + e.at, e.ev);
    for (const e of [...sets].sort((a, b) => a.at - b.at)) sackSrc.pushAt(start + e.at, e.set);
    s.step(cycles);
    src.detach(); sackSrc.detach(); out.detach();
    expect(src.idle, 'every event was taken').toBe(true);
    expect(sackSrc.idle, 'every sack_set was taken').toBe(true);
    return { frames: out.frames, taken: src.taken, start };
  }

  it('one ACK right after the second full-size segment, none after the first, no timer ACK later', () => {
    resetAckGen(sim, config);
    const r = schedule([{ at: 0, ev: event(3, Ev.IN_ORDER, MSS, 1000) }, { at: 50, ev: event(3, Ev.IN_ORDER, MSS, 2000) }], TIMEOUT + SWEEP_SLACK + 100);
    expect(r.frames.length).toBe(1);
    expect(tcpOf(r.frames[0]!).tcp.ack).toBe(2000);
    const second = r.taken[1]!.cycle;
    expect(r.frames[0]!.first).toBeGreaterThan(second);
    expect(r.frames[0]!.first - second).toBeLessThanOrEqual(PROMPT);
    expect(sim.peek('acks_threshold')).toBe(1);
    expect(sim.peek('acks_timer')).toBe(0);
  });

  it('a stream of full-size segments is ACKed at least every second segment (and smaller ones by bytes: 2*MSS)', () => {
    resetAckGen(sim, config);
    const lens = [MSS, MSS, MSS, MSS, MSS, MSS, 400, 700, 900, 600];
    let rcv = 0;
    const events = lens.map((len, i) => { rcv += len; return { at: i * 30, ev: event(9, Ev.IN_ORDER, len, rcv) }; });
    const r = schedule(events, 30 * lens.length + 40);
    // ACKs after segments 2, 4, 6 (full-size pairs) and after 900 (400 + 700 + 900 >= 2000).
    expect(r.frames.map((f) => tcpOf(f).tcp.ack)).toEqual([2000, 4000, 6000, 8000]);
    r.frames.forEach((f, i) => {
      const trigger = r.taken[[1, 3, 5, 8][i]!]!.cycle;
      expect(f.first - trigger, `ACK ${i} promptly after its segment`).toBeLessThanOrEqual(PROMPT);
      expect(f.first).toBeGreaterThan(trigger);
    });
  });

  for (const timeout of [TIMEOUT, 1500]) {
    it(`a single segment is ACKed by the timer: not before ${timeout} cycles, within one sweep round after`, () => {
      resetAckGen(sim, { ...config, delackTimeout: timeout });
      const r = schedule([{ at: 0, ev: event(17, Ev.IN_ORDER, 100, 100) }, { at: 40, ev: event(17, Ev.IN_ORDER, 200, 300) }], timeout + SWEEP_SLACK + 200);
      expect(r.frames.length).toBe(1);
      const f = r.frames[0]!;
      expect(tcpOf(f).tcp.ack, 'covers both segments').toBe(300);
      const waited = f.first - r.taken[0]!.cycle; // the timer runs from the oldest unacknowledged segment
      expect(waited).toBeGreaterThanOrEqual(timeout);
      expect(waited).toBeLessThanOrEqual(timeout + SWEEP_SLACK);
      expect(sim.peek('acks_timer')).toBe(1);
      expect(sim.peek('ack_pending')).toBe(0n);
    });
  }

  it('out-of-order data gets an immediate duplicate ACK with its SACK blocks, and it clears the pending ACK', () => {
    resetAckGen(sim, config);
    const sack = [{ left: 3000, right: 4000 }, { left: 5000, right: 5500 }, { left: 0, right: 0 }, { left: 0, right: 0 }];
    const ooo = event(21, Ev.OUT_OF_ORDER, 500, 1000, { sack_count: 2, sack, ts_enabled: true, ts_recent: 0xabcdef });
    const r = schedule([{ at: 0, ev: event(21, Ev.IN_ORDER, 1000, 1000) }, { at: 20, ev: ooo }], TIMEOUT + SWEEP_SLACK + 100);
    expect(r.frames.length, 'the duplicate ACK only: no timer ACK after it').toBe(1);
    expect(r.frames[0]!.first - r.taken[1]!.cycle).toBeLessThanOrEqual(PROMPT);
    expectFrame(r.frames[0]!.data, expectedAckFrame({ ...ooo, kind: 0 }, 42, 0), 'duplicate ACK');
    expect(tcpOf(r.frames[0]!).tcp.options.find((o) => o.type === 'sack')).toEqual({ type: 'sack', blocks: sack.slice(0, 2) });
  });

  it('the ack-pending bit vector shows connections owing an ACK; a data segment from the TX path that covers it clears it', () => {
    resetAckGen(sim, config);
    const src = new HandshakeSource<AckEvent>(sim, 'ev');
    const tx = new HandshakeSource<{ conn: number; ack: number; snd_nxt: number }>(sim, 'tx_acked');
    const out = new FrameCollector(sim, 'm_axis');
    src.push(event(1, Ev.IN_ORDER, 10, 5000), event(40, Ev.IN_ORDER, 10, 7000), event(63, Ev.IN_ORDER, 10, 0xfffffff0));
    sim.step(20);
    expect(sim.peek('ack_pending')).toBe((1n << 1n) | (1n << 40n) | (1n << 63n));
    // Conn 1: the TX path sent ACK 4999 (older: does not cover); conn 40: 7000 covers; conn 63: 0x10 covers (wrapped).
    tx.push({ conn: 1, ack: 4999, snd_nxt: 0x1000 + 1460 }, { conn: 40, ack: 7000, snd_nxt: 1 }, { conn: 63, ack: 0x10, snd_nxt: 2 });
    sim.step(20);
    expect(sim.peek('ack_pending')).toBe(1n << 1n);
    sim.step(TIMEOUT + SWEEP_SLACK);
    expect(out.frames.map(connOf)).toEqual([1]);
    expect(tcpOf(out.frames[0]!).tcp.seq, 'the timer ACK carries the SND.NXT the TX path reported').toBe(0x1000 + 1460);
    src.detach(); tx.detach(); out.detach();
  });

  it('challenge ACKs: at most one per connection per interval, at most chal_limit in all per interval', () => {
    const interval = 400;
    resetAckGen(sim, { ...config, chalInterval: interval, chalLimit: 3 });
    const ch = (conn: number, at: number) => ({ at, ev: event(conn, Ev.CHALLENGE, 0, 100 + at) });
    // Window 1: conn 1 twice (second limited), conns 2, 3 (sent: 3 in all), conn 4 (limited: global).
    // Window 2 (after `interval`): conn 1 again (sent: its own interval passed), conns 5, 6 sent, 7 limited.
    const r = schedule([ch(1, 0), ch(1, 10), ch(2, 20), ch(3, 30), ch(4, 40),
      ch(1, interval + 60), ch(5, interval + 70), ch(6, interval + 80), ch(7, interval + 90)], 2 * interval + 100);
    expect(r.frames.map(connOf)).toEqual([1, 2, 3, 1, 5, 6]);
    expect(sim.peek('challenges_sent')).toBe(6);
    expect(sim.peek('challenges_limited')).toBe(3);
    r.frames.forEach((f) => expect(tcpOf(f).tcp.flags).toBe(0x10));
  });

  it('chal_limit 0 sends no challenge ACK at all', () => {
    resetAckGen(sim, { ...config, chalLimit: 0 });
    const r = schedule([{ at: 0, ev: event(1, Ev.CHALLENGE, 0, 1) }, { at: 3000, ev: event(2, Ev.CHALLENGE, 0, 1) }], 3100);
    expect(r.frames.length).toBe(0);
    expect(sim.peek('challenges_limited')).toBe(2);
  });

  it('many connections, randomly interleaved episodes: each gets exactly its own ACKs, each on time, with its SACK blocks', () => {
    // An episode may start with a SACK_SET (count 0..4, or a refused 5..7); OUT_OF_ORDER events carry blocks too.
    type Episode = 'single' | 'pair' | 'ooo' | 'single-then-ooo' | 'fin';
    const episode = fc.constantFrom<Episode>('single', 'pair', 'ooo', 'single-then-ooo', 'fin');
    const blocks = fc.array(fc.record({ left: u32, right: u32 }), { minLength: 4, maxLength: 4 });
    const sackPlan = fc.option(fc.record({ count: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 })), blocks }), { freq: 2 });
    const oooSack = fc.record({ count: fc.integer({ min: 0, max: 4 }), blocks });
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: CONNS - 1 }), episode, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 900 }), sackPlan, oooSack), { minLength: 20, maxLength: 90 }),
      (plan) => {
        resetAckGen(sim, config);
        // Each connection's episodes follow each other with room for the timer ACK (and then some).
        const gapBetween = TIMEOUT + SWEEP_SLACK + 60;
        const nextFree = new Map<number, number>();
        const rcv = new Map<number, number>();
        const events: { at: number; ev: AckEvent }[] = [];
        const sets: { at: number; set: SackSetValue }[] = [];
        const model = new SackStateModel();
        type Want = { conn: number; ack: number; trigger: number; timer: boolean; sack: SackBlockValue[] };
        const wants: { want: Omit<Want, 'trigger'>; eventIndex: number }[] = [];
        for (const [conn, kind, jitter0, len, sack, ooo] of plan) {
          // The SACK_SET goes first (its port has priority over ev, so it is never overtaken by the events after it).
          const jitter = sack ? jitter0 + 5 : jitter0;
          if (sack) { const set = sackSet(conn, sack.blocks, sack.count); sets.push({ at: (nextFree.get(conn) ?? 0) + jitter0, set }); model.sackSet(set); }
          const at = (nextFree.get(conn) ?? 0) + jitter;
          nextFree.set(conn, at + gapBetween + 80);
          let carried: SackBlockValue[] = [];
          const push = (dt: number, k: number, n: number) => {
            const r = (rcv.get(conn) ?? 0) + (k === Ev.OUT_OF_ORDER ? 0 : n);
            rcv.set(conn, r);
            const e = event(conn, k, n, r, k === Ev.OUT_OF_ORDER ? { sack_count: ooo.count, sack: ooo.blocks } : {});
            events.push({ at: at + dt, ev: e });
            const c = model.event(e);
            carried = c.sack.slice(0, c.sack_count);
            return { index: events.length - 1, ack: r };
          };
          if (kind === 'single') { const e = push(0, Ev.IN_ORDER, len); wants.push({ want: { conn, ack: e.ack, timer: true, sack: carried }, eventIndex: e.index }); }
          if (kind === 'pair') { push(0, Ev.IN_ORDER, MSS); const e = push(30, Ev.IN_ORDER, MSS + len); wants.push({ want: { conn, ack: e.ack, timer: false, sack: carried }, eventIndex: e.index }); }
          if (kind === 'ooo') { const e = push(0, Ev.OUT_OF_ORDER, len); wants.push({ want: { conn, ack: e.ack, timer: false, sack: carried }, eventIndex: e.index }); }
          if (kind === 'single-then-ooo') { push(0, Ev.IN_ORDER, len); const e = push(80, Ev.OUT_OF_ORDER, len); wants.push({ want: { conn, ack: e.ack, timer: false, sack: carried }, eventIndex: e.index }); }
          if (kind === 'fin') { push(0, Ev.IN_ORDER, len); const e = push(10, Ev.FIN, 0); wants.push({ want: { conn, ack: e.ack, timer: false, sack: carried }, eventIndex: e.index }); }
        }
        // Events are taken in time order; map each scheduled event to its take cycle.
        const order = events.map((e, i) => ({ ...e, i })).sort((a, b) => a.at - b.at || a.i - b.i);
        const end = Math.max(...events.map((e) => e.at)) + gapBetween + 200;
        const r = schedule(order.map(({ at, ev }) => ({ at, ev })), end, sim, sets);
        const takenAt = new Map<number, number>();
        order.forEach((o, k) => takenAt.set(o.i, r.taken[k]!.cycle));

        const byConn = new Map<number, TimedFrame[]>();
        for (const f of r.frames) byConn.set(connOf(f), [...(byConn.get(connOf(f)) ?? []), f]);
        for (let c = 0; c < CONNS; c++) {
          const mine = wants.filter((w) => w.want.conn === c);
          const got = byConn.get(c) ?? [];
          expect(got.map((f) => tcpOf(f).tcp.ack), `conn ${c}: ACK numbers`).toEqual(mine.map((w) => w.want.ack));
          expect(got.map(sackOf), `conn ${c}: SACK blocks`).toEqual(mine.map((w) => w.want.sack));
          got.forEach((f, k) => {
            const w = mine[k]!;
            const t = takenAt.get(w.eventIndex)!;
            if (w.want.timer) {
              expect(f.first - t, `conn ${c} ACK ${k}: timer`).toBeGreaterThanOrEqual(TIMEOUT);
              expect(f.first - t, `conn ${c} ACK ${k}: timer`).toBeLessThanOrEqual(TIMEOUT + SWEEP_SLACK + 8 * CONNS);
            } else {
              expect(f.first - t, `conn ${c} ACK ${k}: prompt`).toBeGreaterThan(0);
              expect(f.first - t, `conn ${c} ACK ${k}: prompt`).toBeLessThanOrEqual(PROMPT + 10 * r.frames.length);
            }
          });
        }
      }), { numRuns: 8, seed: 5 });
  });

  it('the sweep still fires timers while events arrive on every cycle', () => {
    resetAckGen(sim, config);
    const flood = Array.from({ length: 600 }, (_, i) => ({ at: 1 + i, ev: event(30 + (i % 20), Ev.IN_ORDER, 0, 0) }));
    const r = schedule([{ at: 0, ev: event(2, Ev.IN_ORDER, 10, 10) }, ...flood], TIMEOUT + SWEEP_SLACK + 700);
    expect(r.frames.map(connOf)).toEqual([2]);
    const waited = r.frames[0]!.first - r.taken[0]!.cycle;
    expect(waited).toBeGreaterThanOrEqual(TIMEOUT);
    expect(waited).toBeLessThanOrEqual(TIMEOUT + 4 * CONNS + 40);
  });

  it('RST_NEEDED touches no connection: a pending delayed ACK on the same id still goes out on time', () => {
    resetAckGen(sim, config);
    const r = schedule([{ at: 0, ev: event(8, Ev.IN_ORDER, 10, 10) }, { at: 5, ev: event(8, Ev.RST_NEEDED, 0, 999, { seg_flags: 0x02 }) }], TIMEOUT + SWEEP_SLACK + 60);
    expect(r.frames.map((f) => tcpOf(f).tcp.flags)).toEqual([0x14, 0x10]);
    expect(tcpOf(r.frames[1]!).tcp.ack).toBe(10);
  });

  it('ACK frames from stored fields carry the window scaled and the timestamp option', () => {
    resetAckGen(sim, config);
    const ev = event(12, Ev.IN_ORDER, 10, 77, { rcv_wnd: 3 << 20, rcv_wscale: 7, ts_enabled: true, ts_recent: 0x01020304 });
    const got = runAckEvents(sim, [ev], { expectFrames: 1, timeout: TIMEOUT + SWEEP_SLACK + 50 });
    expectFrame(got.frames[0]!.data, expectedAckFrame({ ...ev, kind: 0, sack_count: 0 }, 42, 0), 'timer ACK');
    expect(tcpOf(got.frames[0]!).tcp.window).toBe((3 << 20) >> 7);
  });
});
