// Random cycles for the skb manager: abstract choices (fast-check) resolved against the model's state when
// driven, so frees mostly hit allocated blocks and enqueues mostly hit unqueued ones, with bad input mixed in.
import fc from 'fast-check';
import { QueueOp } from '../../blocks/skb/codes.ts';
import type { SkbParams } from '../../blocks/skb/params.ts';
import type { CycleInputs } from './model.ts';
import type { SkbModel } from './model.ts';

/** Which block an operation names: an allocated one, an allocated unqueued one, a queued one, a free one, any, or out of range. */
type Target = { kind: 'held' | 'unqueued' | 'queued' | 'free' | 'any' | 'range'; k: number };
interface Step {
  alloc: boolean;
  ref: { get: boolean; target: Target } | null;
  q: { op: number; connOk: boolean; conn: number; dir: number; nonEmpty: boolean; target: Target } | null;
  metaWr: { target: Target; fields: number; len: number; seq: number; csum: number } | null;
  metaRd: Target | null;
  wr: { target: Target; offset: number; data: bigint; keep: number } | null;
  rd: { target: Target; offset: number } | null;
}

const k = fc.nat(1 << 20);
/** True with probability percent/100 (unbiased: fast-check otherwise leans towards small values). */
const chance = (percent: number) => fc.noBias(fc.integer({ min: 0, max: 99 })).map((x) => x < percent);
const target = (weights: Partial<Record<Target['kind'], number>>): fc.Arbitrary<Target> =>
  fc.oneof(...Object.entries(weights).map(([kind, weight]) => ({ weight: weight!, arbitrary: k.map((n) => ({ kind: kind as Target['kind'], k: n })) })));
const maybe = <T>(p: number, a: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: Math.round(100 * (1 - p)), arbitrary: fc.constant(null) }, { weight: Math.round(100 * p), arbitrary: a });

/** A sequence of cycles; `pressure` varies how hard allocation pushes against frees from one sequence to the next. */
export function stepsArb(p: SkbParams, length: number): fc.Arbitrary<Step[]> {
  return fc.integer({ min: 20, max: 80 }).chain((pressure) => fc.array(fc.record({
    alloc: chance(pressure),
    ref: maybe(0.45, fc.record({
      get: chance(20),
      target: target({ unqueued: 65, held: 23, free: 5, any: 4, range: 3 }),
    })),
    q: maybe(0.5, fc.record({
      op: fc.constantFrom(0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3),
      connOk: chance(94),
      conn: k, dir: fc.constantFrom(0, 1),
      nonEmpty: chance(80),
      target: target({ unqueued: 80, queued: 6, free: 6, any: 4, range: 4 }),
    })),
    metaWr: maybe(0.15, fc.record({
      target: target({ held: 85, any: 10, range: 5 }), fields: fc.integer({ min: 0, max: 7 }),
      len: fc.nat(0xffff), seq: fc.nat(0xffffffff), csum: fc.nat(0xffff),
    })),
    metaRd: maybe(0.2, target({ held: 60, queued: 25, any: 10, range: 5 })),
    wr: maybe(0.2, fc.record({
      target: target({ held: 90, any: 5, range: 5 }), offset: k,
      data: fc.bigInt({ min: 0n, max: (1n << BigInt(p.width)) - 1n }), keep: fc.nat((2 ** (p.width / 8)) - 1),
    })),
    rd: maybe(0.2, fc.record({ target: target({ held: 90, any: 5, range: 5 }), offset: k })),
  }), { minLength: length, maxLength: length }));
}

/** Turns abstract choices into this cycle's requests, given the model's current state. */
export function resolve(s: Step, m: SkbModel, p: SkbParams): CycleInputs {
  const idLimit = 2 ** p.idBits;
  const pick = (xs: number[], n: number) => (xs.length ? xs[n % xs.length] : undefined);
  const block = (t: Target): number => {
    const any = t.k % m.blocks;
    switch (t.kind) {
      case 'held': return pick(m.allocatedBlocks(), t.k) ?? any;
      case 'unqueued': return pick(m.allocatedBlocks().filter((b) => !m.queued[b]), t.k) ?? any;
      case 'queued': return pick(m.allocatedBlocks().filter((b) => m.queued[b]), t.k) ?? any;
      case 'free': return pick(m.freeBlocks(), t.k) ?? any;
      case 'any': return any;
      case 'range': return idLimit > m.blocks ? m.blocks + (t.k % (idLimit - m.blocks)) : any;
    }
  };
  const connLimit = 2 ** p.connBits;
  const inp: CycleInputs = { alloc: s.alloc };
  if (s.ref) inp[s.ref.get ? 'get' : 'free'] = block(s.ref.target);
  if (s.q) {
    let conn = s.q.connOk || connLimit === m.connections ? s.q.conn % m.connections : m.connections + (s.q.conn % (connLimit - m.connections));
    let dir = s.q.dir;
    // Dequeues and peeks mostly go to a queue that holds something.
    const filled = m.queues.flatMap((l, qi) => (l.length ? [qi] : []));
    if (s.q.op !== QueueOp.ENQUEUE && s.q.connOk && s.q.nonEmpty && filled.length) {
      const qi = filled[s.q.conn % filled.length]!;
      conn = qi >> 1;
      dir = qi & 1;
    }
    inp.q = { op: s.q.op, conn, dir, id: s.q.op === QueueOp.ENQUEUE ? block(s.q.target) : s.q.target.k % idLimit };
  }
  if (s.metaWr) inp.metaWr = { id: block(s.metaWr.target), fields: s.metaWr.fields, len: s.metaWr.len, seq: s.metaWr.seq, csum: s.metaWr.csum };
  if (s.metaRd) inp.metaRd = block(s.metaRd);
  if (s.wr) inp.wr = { block: block(s.wr.target), offset: s.wr.offset % m.beats, data: s.wr.data, keep: s.wr.keep };
  if (s.rd) inp.rd = { block: block(s.rd.target), offset: s.rd.offset % m.beats };
  return inp;
}
