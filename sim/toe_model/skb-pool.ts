// The skb manager's buffer memory: a finite pool of fixed-size blocks with a FIFO free list (as blocks/skb),
// each block tagged with who holds it so leaks and double frees are caught where they happen.
export const SkbOwner = { FREE: 0, RECV_QUEUE: 1, SEND_QUEUE: 2, FIRMWARE: 3 } as const;
export type SkbOwnerCode = (typeof SkbOwner)[keyof typeof SkbOwner];

export class SkbPool {
  readonly data: Uint8Array[];
  readonly owner: Uint8Array;
  private readonly freeList: number[];
  allocs = 0;
  nomem = 0;
  /** The fewest free blocks seen. */
  lowWater: number;
  /** Blocks held, by holder (SkbOwner index). */
  readonly held = [0, 0, 0, 0];

  constructor(readonly blocks: number, readonly blockBytes: number) {
    if (blocks < 1 || blocks > 0xfffe) throw new Error(`skb pool: ${blocks} blocks (1..65534: 0xffff is NO_SKB)`);
    this.data = Array.from({ length: blocks }, () => new Uint8Array(blockBytes));
    this.owner = new Uint8Array(blocks);
    this.freeList = Array.from({ length: blocks }, (_, i) => i);
    this.lowWater = blocks;
  }

  get free(): number { return this.freeList.length; }
  get used(): number { return this.blocks - this.freeList.length; }

  /** A block for `owner`, or -1 when the pool is empty (counted). */
  alloc(owner: SkbOwnerCode): number {
    const id = this.freeList.shift();
    if (id === undefined) { this.nomem++; return -1; }
    this.owner[id] = owner;
    this.held[owner]!++;
    this.allocs++;
    this.lowWater = Math.min(this.lowWater, this.freeList.length);
    return id;
  }

  /** Return a block; `expected` is the holder the caller believes it is (a mismatch is a bug, thrown). */
  release(id: number, expected: SkbOwnerCode): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.blocks) throw new Error(`skb pool: free of block ${id} out of range`);
    if (this.owner[id] !== expected) throw new Error(`skb pool: free of block ${id} held by ${this.owner[id]}, expected ${expected}`);
    this.owner[id] = SkbOwner.FREE;
    this.held[expected]!--;
    this.freeList.push(id);
  }

  /** Move a block to another holder (firmware -> receive queue on DELIVER). */
  transfer(id: number, from: SkbOwnerCode, to: SkbOwnerCode): void {
    if (this.owner[id] !== from) throw new Error(`skb pool: block ${id} held by ${this.owner[id]}, expected ${from}`);
    this.owner[id] = to;
    this.held[from]!--;
    this.held[to]!++;
  }

  countOwned(owner: SkbOwnerCode): number {
    let n = 0;
    for (const o of this.owner) if (o === owner) n++;
    return n;
  }
}
