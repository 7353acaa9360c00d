// The reference placement rules, written independently of the RTL: two banks of buckets of `ways` slots and a
// stash. An insert goes to the bank whose bucket has more free slots (bank 0 on a tie), lowest free way
// first; if both buckets are full, to the lowest free stash entry; otherwise it fails (NO_ROOM).
import { bucketOf } from '../../blocks/conn_table/hash.ts';
import type { Geometry } from '../../blocks/conn_table/params.ts';
import type { Tuple } from '../../blocks/conn_table/tcb.ts';

export type Place = { kind: 'bank'; bank: number; bucket: number; way: number } | { kind: 'stash'; slot: number };

export class Placement {
  /** slots[bank][bucket][way]: the connection index there, or undefined. */
  readonly slots: (number | undefined)[][][];
  readonly stash: (number | undefined)[];

  constructor(readonly g: Geometry) {
    this.slots = [0, 1].map(() => Array.from({ length: g.buckets }, () => new Array<number | undefined>(g.ways).fill(undefined)));
    this.stash = new Array<number | undefined>(g.stash).fill(undefined);
  }

  buckets(t: Tuple): [number, number] { return [bucketOf(this.g.masks[0]!, t), bucketOf(this.g.masks[1]!, t)]; }

  /** Where an insert of t would go, or undefined (NO_ROOM). */
  choose(t: Tuple): Place | undefined {
    const [b0, b1] = this.buckets(t);
    const free = (bank: number, bucket: number) => this.slots[bank]![bucket]!.filter((x) => x === undefined).length;
    const f0 = free(0, b0), f1 = free(1, b1);
    if (f0 > 0 || f1 > 0) {
      const bank = f0 >= f1 ? 0 : 1;
      const bucket = bank === 0 ? b0 : b1;
      return { kind: 'bank', bank, bucket, way: this.slots[bank]![bucket]!.indexOf(undefined) };
    }
    const slot = this.stash.indexOf(undefined);
    return slot >= 0 ? { kind: 'stash', slot } : undefined;
  }

  put(p: Place, index: number): void {
    if (p.kind === 'bank') this.slots[p.bank]![p.bucket]![p.way] = index; else this.stash[p.slot] = index;
  }

  remove(p: Place): void {
    if (p.kind === 'bank') this.slots[p.bank]![p.bucket]![p.way] = undefined; else this.stash[p.slot] = undefined;
  }

  get stashUsed(): number { return this.stash.filter((x) => x !== undefined).length; }
}
