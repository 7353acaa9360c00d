// The reference model of the connection table: a Map keyed by tuple, TCBs by index, the same index allocation
// (counter first, then freed indices in FIFO order) and the same placement rules (placement.ts), so it predicts
// every observable: hit/miss, index, TCB fields, response status, counters.
import { ConnStatus, geometry, type ConnTableParams, type Geometry } from '../../blocks/conn_table/params.ts';
import { applyMask, freshTcb, tupleBits, tupleOf, type TcbFields, type Tuple } from '../../blocks/conn_table/tcb.ts';
import { Placement, type Place } from './placement.ts';

export interface Snapshot {
  readonly byTuple: ReadonlyMap<bigint, number>;
  readonly tcbs: ReadonlyMap<number, TcbFields>;
}

export interface OpResult { status: number; index: number; fields?: TcbFields }

export class ConnTableModel implements Snapshot {
  readonly g: Geometry;
  byTuple = new Map<bigint, number>();
  tcbs = new Map<number, TcbFields>();
  private readonly places = new Map<number, Place>();
  readonly placement: Placement;
  private issued = 0;
  private readonly freed: number[] = [];
  readonly counts = { lookups: 0, hits: 0, misses: 0, insert_fails: 0, op_errors: 0, upd_refused: 0 };

  constructor(p: ConnTableParams) {
    this.g = geometry(p);
    this.placement = new Placement(this.g);
  }

  get occupancy(): number { return this.tcbs.size; }

  snapshot(): Snapshot { return { byTuple: new Map(this.byTuple), tcbs: new Map(this.tcbs) }; }

  insert(t: Tuple): OpResult {
    const key = tupleBits(t);
    const dup = this.byTuple.get(key);
    const fail = (status: number, index = 0): OpResult => { this.counts.insert_fails++; return { status, index }; };
    if (dup !== undefined) return fail(ConnStatus.DUPLICATE, dup);
    if (this.issued >= this.g.conns && this.freed.length === 0) return fail(ConnStatus.FULL);
    const place = this.placement.choose(t);
    if (!place) return fail(ConnStatus.NO_ROOM);
    const index = this.issued < this.g.conns ? this.issued++ : this.freed.shift()!;
    this.placement.put(place, index);
    this.places.set(index, place);
    this.byTuple.set(key, index);
    this.tcbs.set(index, freshTcb(t));
    return { status: ConnStatus.OK, index };
  }

  private check(index: number): number | undefined {
    if (index >= this.g.conns) { this.counts.op_errors++; return ConnStatus.BAD_INDEX; }
    if (!this.tcbs.has(index)) { this.counts.op_errors++; return ConnStatus.NOT_ALLOCATED; }
    return undefined;
  }

  delete(index: number): OpResult {
    const bad = this.check(index);
    if (bad !== undefined) return { status: bad, index };
    this.placement.remove(this.places.get(index)!);
    this.places.delete(index);
    this.byTuple.delete(tupleBits(this.tcbs.get(index)!));
    this.tcbs.delete(index);
    this.freed.push(index);
    return { status: ConnStatus.OK, index };
  }

  read(index: number): OpResult {
    const bad = this.check(index);
    if (bad !== undefined) return { status: bad, index };
    return { status: ConnStatus.OK, index, fields: this.tcbs.get(index)! };
  }

  write(index: number, mask: number, fields: Partial<TcbFields>): OpResult {
    const bad = this.check(index);
    if (bad !== undefined) return { status: bad, index };
    this.tcbs.set(index, applyMask(this.tcbs.get(index)!, fields, mask));
    return { status: ConnStatus.OK, index };
  }

  /** A datapath update: applied if the index is allocated, else counted. */
  update(index: number, mask: number, fields: Partial<TcbFields>): boolean {
    if (index >= this.g.conns || !this.tcbs.has(index)) { this.counts.upd_refused++; return false; }
    this.tcbs.set(index, applyMask(this.tcbs.get(index)!, fields, mask));
    return true;
  }
}

/** A lookup against a snapshot: hit, index and (on a hit) the TCB. */
export function lookupIn(s: Snapshot, t: Tuple): { hit: boolean; index: number; fields?: TcbFields } {
  const index = s.byTuple.get(tupleBits(t));
  return index === undefined ? { hit: false, index: 0 } : { hit: true, index, fields: s.tcbs.get(index)! };
}

export { tupleOf };
