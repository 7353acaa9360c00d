// ack_gen's per-connection SACK state (firmware SACK_SET on the sack_set port, or an OUT_OF_ORDER event's blocks):
// timer, threshold, immediate and challenge ACKs carry the stored blocks (clamped to 4, 3 beside timestamps), a
// RST none; count 0 clears; a count above 4 is refused; sack_set and events for one connection apply in the order
// they are taken, back to back (the pipeline's forwarding) or offered in the same cycle (sack_set first).
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { simulate } from '../../sim/harness.ts';
import { simBackends } from '../backends.ts';
import { AckGen } from '../../blocks/ack_tx/ack-gen.ts';
import { AckEventKind as Ev } from '../../blocks/ack_tx/types.ts';
import { parseFrame, type TcpOption } from '../../sim/packet/index.ts';
import { FrameCollector, OrderedSource, expectFrame, resetAckGen, type TimedFrame } from './drivers.ts';
import { NO_SACK, type AckEvent, type SackBlockValue } from './fields.ts';
import { expectedAckFrame } from './reference.ts';
import { SackStateModel, sackSet, type SackSetValue } from './sack-state.ts';
import { u32 } from './arbitraries.ts';

const MSS = 1000;
const TIMEOUT = 200;
/** A timer ACK leaves within delack_timeout + one sweep round + the pipeline. */
const TIMER_WAIT = TIMEOUT + 64 + 60;
const config = { delackTimeout: TIMEOUT, chalInterval: 1 << 30, chalLimit: 1000, tsval: 9 };
const B = (l: number, r: number): SackBlockValue => ({ left: l, right: r });
const FOUR = [B(5000, 6000), B(7000, 7500), B(9000, 9100), B(0xfffffff0, 0x10)];

function event(conn: number, kind: number, over: Partial<AckEvent> = {}): AckEvent {
  return {
    conn, event: kind, mss: MSS, dst_mac: 0x020000000002, src_mac: 0x020000000001, src_ip: 0xc6120001, dst_ip: 0xc6120002,
    src_port: 10000 + conn, dst_port: 5001, snd_nxt: 0x1000 * conn, rcv_nxt: 4000, rcv_wnd: 64000, rcv_wscale: 0,
    ts_enabled: false, ts_recent: 0, sack_count: 0, sack: NO_SACK, seg_seq: 0, seg_ack: 0, seg_len: 0, seg_flags: 0x10, ...over,
  };
}

function sackOption(f: TimedFrame): SackBlockValue[] {
  const p = parseFrame(f.data);
  if (!p.ok || p.value.kind !== 'tcp') throw new Error('not a TCP frame');
  const o = p.value.tcp.options.find((x): x is Extract<TcpOption, { type: 'sack' }> => x.type === 'sack');
  return o ? o.blocks.map((b) => ({ ...b })) : [];
}

type Op = { port: 'sack_set'; item: SackSetValue } | { port: 'ev'; item: AckEvent };
const set = (s: SackSetValue): Op => ({ port: 'sack_set', item: s });
const ev = (e: AckEvent): Op => ({ port: 'ev', item: e });

describe.each(simBackends())('ack_gen SACK state on %s', async (backend) => {
  const sim = await simulate(AckGen, { width: 64, conns: 64 }, { backend });
  afterAll(() => sim.close());

  /** Feeds ops in order (back to back unless gap), runs `cycles`; returns the frames. */
  function run(ops: Op[], cycles: number, opts: { gap?: number; seed?: number; together?: boolean; backpressure?: number } = {}) {
    const src = new OrderedSource(sim, ['sack_set', 'ev'], { gap: opts.gap, seed: opts.seed, together: opts.together ? ['sack_set', 'ev'] : undefined });
    const out = new FrameCollector(sim, 'm_axis', { backpressure: opts.backpressure, seed: (opts.seed ?? 0) + 1 });
    for (const o of ops) src.push(o.port, o.item);
    try {
      sim.step(cycles);
      expect(src.idle, 'every op was taken').toBe(true);
    } finally {
      src.detach(); out.detach();
    }
    return { frames: out.frames, taken: src.taken };
  }

  it('a timer ACK carries the stored blocks (4 without timestamps, the first 3 beside them)', () => {
    resetAckGen(sim, config);
    const r = run([set(sackSet(3, FOUR)), ev(event(3, Ev.IN_ORDER, { seg_len: 10 })),
      set(sackSet(4, FOUR)), ev(event(4, Ev.IN_ORDER, { seg_len: 10, ts_enabled: true, ts_recent: 77 }))], TIMER_WAIT + 20);
    expect(r.frames.length).toBe(2);
    expect(sim.peek('acks_timer')).toBe(2);
    expectFrame(r.frames[0]!.data, expectedAckFrame({ ...event(3, Ev.IN_ORDER), kind: 0, sack_count: 4, sack: FOUR }, 9, 0), 'timer ACK, 4 blocks');
    expectFrame(r.frames[1]!.data, expectedAckFrame({ ...event(4, Ev.IN_ORDER, { ts_enabled: true, ts_recent: 77 }), kind: 0, sack_count: 4, sack: FOUR }, 9, 1), 'timer ACK, TS + 3 blocks');
    expect(sackOption(r.frames[1]!)).toEqual(FOUR.slice(0, 3));
  });

  it('a threshold ACK, an immediate ACK and a challenge ACK carry the stored blocks; a RST carries none', () => {
    resetAckGen(sim, config);
    const two = FOUR.slice(1, 3);
    const r = run([set(sackSet(9, two)), ev(event(9, Ev.IN_ORDER, { seg_len: MSS })), ev(event(9, Ev.IN_ORDER, { seg_len: MSS })),
      ev(event(9, Ev.FILLS_GAP)), ev(event(9, Ev.CHALLENGE)), ev(event(9, Ev.DUPLICATE)), ev(event(9, Ev.FIN)), ev(event(9, Ev.ACK_NOW)),
      ev(event(9, Ev.RST_NEEDED, { seg_flags: 0x02 }))], 200);
    expect(r.frames.map(sackOption)).toEqual([two, two, two, two, two, two, []]);
    expect(sim.peek('acks_threshold')).toBe(1);
    expect(sim.peek('resets')).toBe(1);
  });

  it('SACK_SET with count 0 clears the blocks; so does an OUT_OF_ORDER event without blocks', () => {
    resetAckGen(sim, config);
    const r = run([set(sackSet(5, FOUR.slice(0, 2))), set(sackSet(5, [])), ev(event(5, Ev.IN_ORDER, { seg_len: 1 })),
      set(sackSet(6, FOUR)), ev(event(6, Ev.OUT_OF_ORDER, { seg_len: 100 })), ev(event(6, Ev.ACK_NOW))], TIMER_WAIT + 20);
    expect(r.frames.map((f) => [parseFrame(f.data).ok && (parseFrame(f.data) as { value: { tcp: { srcPort: number } } }).value.tcp.srcPort, sackOption(f)]))
      .toEqual([[10006, []], [10006, []], [10005, []]]);
  });

  it('an OUT_OF_ORDER event stores its blocks for later ACKs; an event\'s one block (a D-SACK) goes ahead of them once', () => {
    resetAckGen(sim, config);
    const dsack = [B(1000, 1500)];
    const r = run([ev(event(7, Ev.OUT_OF_ORDER, { sack_count: 2, sack: FOUR })), ev(event(7, Ev.DUPLICATE, { sack_count: 1, sack: [...dsack, ...FOUR.slice(1)] })),
      ev(event(7, Ev.IN_ORDER, { seg_len: 5 }))], TIMER_WAIT + 20);
    expect(r.frames.map(sackOption)).toEqual([FOUR.slice(0, 2), [...dsack, ...FOUR.slice(0, 2)], FOUR.slice(0, 2)]);
  });

  it('a count above 4 is refused and counted, the stored blocks unchanged; reset forgets every connection\'s blocks', () => {
    resetAckGen(sim, config);
    const r = run([set(sackSet(2, FOUR.slice(0, 1))), set(sackSet(2, FOUR, 5)), set(sackSet(2, FOUR, 7)), ev(event(2, Ev.ACK_NOW))], 60);
    expect(r.frames.map(sackOption)).toEqual([FOUR.slice(0, 1)]);
    expect(sim.peek('sack_set_refused')).toBe(2);
    resetAckGen(sim, config);
    expect(sim.peek('sack_set_refused')).toBe(0);
    expect(run([ev(event(2, Ev.ACK_NOW))], 60).frames.map(sackOption)).toEqual([[]]);
  });

  it('sack_set and events for one connection back to back, and offered in the same cycle, apply in order', () => {
    for (const together of [false, true]) {
      resetAckGen(sim, config);
      const a = FOUR.slice(0, 1), b = FOUR.slice(1, 4), c = FOUR.slice(2, 4);
      const r = run([ev(event(1, Ev.ACK_NOW)), set(sackSet(1, a)), ev(event(1, Ev.ACK_NOW)), set(sackSet(1, b)), ev(event(1, Ev.ACK_NOW)),
        ev(event(1, Ev.OUT_OF_ORDER, { sack_count: 2, sack: [...c, ...c] })), set(sackSet(1, [])), ev(event(1, Ev.ACK_NOW)),
        set(sackSet(1, a)), set(sackSet(1, b)), ev(event(1, Ev.ACK_NOW))], 200, { together });
      expect(r.frames.map(sackOption), together ? 'offered together' : 'back to back').toEqual([[], a, b, c, [], b]);
      // Taken in consecutive cycles (each op reads the entry the one before it is writing: the forwarding path).
      resetAckGen(sim, config);
      const tight = run([set(sackSet(1, a)), set(sackSet(1, b)), ev(event(1, Ev.ACK_NOW)), ev(event(1, Ev.OUT_OF_ORDER, { sack_count: 2, sack: [...c, ...c] })),
        set(sackSet(1, a)), ev(event(1, Ev.ACK_NOW))], 100, { together });
      expect(tight.frames.map(sackOption)).toEqual([b, c, a]);
      const cycles = tight.taken.map((t) => t.cycle);
      expect(cycles.map((x) => x - cycles[0]!), 'one op per cycle').toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('random sack_set and event traffic on a few connections: every frame equals the reference model\'s', () => {
    const conn = fc.integer({ min: 0, max: 3 });
    const blocks = fc.array(fc.record({ left: u32, right: u32 }), { minLength: 4, maxLength: 4 });
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ conn, count: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 })), blocks })
        .map(({ conn: c, count, blocks: bl }) => set(sackSet(c, bl, count))),
      fc.record({
        conn, kind: fc.constantFrom(Ev.IN_ORDER, Ev.FILLS_GAP, Ev.OUT_OF_ORDER, Ev.DUPLICATE, Ev.CHALLENGE, Ev.RST_NEEDED, Ev.FIN, Ev.ACK_NOW),
        count: fc.constantFrom(0, 0, 0, 1, 2, 3, 4, 7), blocks, ts: fc.boolean(), rcv: u32, len: fc.constantFrom(0, 2 * MSS),
      }).map(({ conn: c, kind, count, blocks: bl, ts, rcv, len }) =>
        ev(event(c, kind, { sack_count: count, sack: bl, ts_enabled: ts, ts_recent: rcv ^ 0x5a5a, rcv_nxt: rcv, seg_len: len, seg_flags: 0x12 }))),
    );
    fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), fc.constantFrom(0, 0.5), fc.constantFrom(0, 0.6), fc.boolean(), fc.nat(),
      (ops, gap, backpressure, together, seed) => {
        // No timer ACKs: IN_ORDER carries either nothing or 2 * MSS (a threshold ACK every time).
        resetAckGen(sim, { ...config, delackTimeout: 1 << 30 });
        const model = new SackStateModel();
        const want: AckEvent[] = [];
        for (const o of ops) {
          if (o.port === 'sack_set') { model.sackSet(o.item); continue; }
          const carried = model.event(o.item);
          const acks = o.item.event !== Ev.IN_ORDER || o.item.seg_len > 0;
          if (acks) want.push({ ...o.item, ...carried });
        }
        const r = run(ops, 60 + 20 * ops.length + 40 * want.length, { gap, backpressure, together, seed });
        expect(r.frames.length).toBe(want.length);
        r.frames.forEach((f, i) => expectFrame(f.data, expectedAckFrame({ ...want[i]!, kind: want[i]!.event === Ev.RST_NEEDED ? 1 : 0 }, 9, i), `frame ${i}`));
        expect(sim.peek('sack_set_refused')).toBe(model.refused);
      }), { numRuns: 40, seed: 11 });
  });
});
