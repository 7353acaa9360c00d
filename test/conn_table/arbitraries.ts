// Random traffic for the connection table: a small pool of tuples (so inserts collide as duplicates and lookups
// hit), firmware commands biased towards allocated-looking indices with some bad ones, datapath updates.
import fc from 'fast-check';
import { MASK_BITS, WRITABLE_FIELDS, Tcb, type TcbFields, type Tuple } from '../../blocks/conn_table/tcb.ts';
import type { FwOp, Traffic, Upd } from './driver.ts';

export const tupleArb: fc.Arbitrary<Tuple> = fc.record({
  local_ip: fc.oneof(fc.constant(0x0a000001), fc.nat({ max: 0xffffffff })),
  remote_ip: fc.nat({ max: 0xffffffff }),
  local_port: fc.oneof(fc.constant(80), fc.constant(443), fc.nat({ max: 0xffff })),
  remote_port: fc.nat({ max: 0xffff }),
});

const width = (f: string) => Tcb.fields.find((x) => x.name === f)!.width;
const fieldsArb: fc.Arbitrary<Partial<TcbFields>> = fc.record(
  Object.fromEntries(WRITABLE_FIELDS.map((f) => [f, fc.nat({ max: 2 ** width(f) - 1 })])) as Record<string, fc.Arbitrary<number>>,
) as fc.Arbitrary<Partial<TcbFields>>;
const maskArb = fc.oneof(fc.nat({ max: 2 ** MASK_BITS - 1 }), fc.constant(2 ** MASK_BITS - 1), fc.constant(0), fc.integer({ min: 0, max: MASK_BITS - 1 }).map((b) => 1 << b));

/**
 * Traffic for a table of `conns`. `crowd` restricts the pool's tuples (e.g. to a few buckets) so buckets fill,
 * the stash is used and NO_ROOM happens: the placement rules become observable.
 */
export function trafficArb(conns: number, opts: { ops: number; lookups: number; upds: number; pool: number; crowd?: (t: Tuple) => boolean }): fc.Arbitrary<Traffic> {
  const index = fc.oneof({ weight: 8, arbitrary: fc.nat({ max: conns - 1 }) }, { weight: 1, arbitrary: fc.integer({ min: conns, max: 0xffff }) });
  const poolTuple = opts.crowd ? tupleArb.filter(opts.crowd) : tupleArb;
  return fc.array(poolTuple, { minLength: opts.pool, maxLength: opts.pool }).chain((pool) => {
    const fromPool = fc.nat({ max: pool.length - 1 }).map((i) => pool[i]!);
    const someTuple = fc.oneof({ weight: 6, arbitrary: fromPool }, { weight: 1, arbitrary: tupleArb });
    const op: fc.Arbitrary<FwOp> = fc.oneof(
      { weight: 4, arbitrary: someTuple.map((tuple) => ({ op: 'insert' as const, tuple })) },
      { weight: 2, arbitrary: index.map((i) => ({ op: 'delete' as const, index: i })) },
      { weight: 2, arbitrary: index.map((i) => ({ op: 'read' as const, index: i })) },
      // A write also drives random key fields, which must not change anything.
      { weight: 2, arbitrary: fc.tuple(index, maskArb, fieldsArb, tupleArb).map(([i, mask, fields, t]) => ({ op: 'write' as const, index: i, mask, fields: { ...fields, ...t } })) },
    );
    const upd: fc.Arbitrary<Upd> = fc.record({ index, mask: maskArb, fields: fieldsArb });
    return fc.record({
      ops: fc.array(op, { minLength: opts.ops, maxLength: opts.ops }),
      lookups: fc.array(someTuple, { minLength: opts.lookups, maxLength: opts.lookups }),
      upds: fc.array(upd, { minLength: opts.upds, maxLength: opts.upds }),
      gap: fc.constantFrom(0, 0.2, 0.5),
      backpressure: fc.constantFrom(0, 0.3, 0.7),
      seed: fc.nat(),
    });
  });
}
