// A reference model of the skb manager: the functional rules (free list, reference counts, queues, metadata,
// buffer memory, accounting) with the documented latencies, stepped one cycle at a time like the hardware.
// It knows nothing of the pipelines' bypasses: each operation is resolved against the state at its commit cycle.
import { QueueOp, SkbError } from '../../blocks/skb/codes.ts';
import { skbGeometry, type SkbParams } from '../../blocks/skb/params.ts';

export interface QueueRequest { op: number; conn: number; dir: number; id: number }
export interface MetaWrite { id: number; fields: number; len: number; seq: number; csum: number }
export interface BeatWrite { block: number; offset: number; data: bigint; keep: number }

/** One cycle's requests (absent = that port idle). */
export interface CycleInputs {
  alloc?: boolean;
  free?: number;
  get?: number;
  q?: QueueRequest;
  metaWr?: MetaWrite;
  metaRd?: number;
  wr?: BeatWrite;
  rd?: { block: number; offset: number };
}

export interface RefResp { get: boolean; id: number; count: number; released: boolean; error: number }
export interface QueueResp { op: number; conn: number; dir: number; id: number; empty: boolean; count: number; error: number }
/** Fields the model cannot know (never written, or meaningless) are undefined and not compared. */
export interface MetaResp { id: number; error: boolean; len?: number; seq?: number; csum?: number; refcount?: number; queued?: boolean; next?: number }
export interface ReadResp { error: boolean; data?: bigint; known?: bigint }

export interface CycleOutputs {
  allocReady: boolean; allocId?: number; freeReady: boolean;
  refResp?: RefResp; qResp?: QueueResp; metaResp?: MetaResp; rdResp?: ReadResp;
  freeCount: number; freeLow: number; nomem: boolean; nomemEvent: boolean; allocFailCount: number;
  errEvent: boolean; errCode: number; errCount: number;
}

/** What happened in a cycle, for tests that count. */
export interface CycleEvents { allocated?: number; freed?: boolean; released?: number }

export class SkbModel {
  readonly blocks: number;
  readonly connections: number;
  readonly maxRefs: number;
  readonly beats: number;
  readonly beatBytes: number;
  cycle = 0;
  /** Reference count per block (0 = free). */
  readonly refs: number[];
  readonly queued: boolean[];
  /** Queue index 2 * conn + dir → blocks, head first. */
  readonly queues: number[][];
  private readonly meta: { len?: number; seq?: number; csum?: number }[];
  private readonly beatsData = new Map<number, { value: bigint; known: bigint }>();
  private issued = 0;
  private readonly freed: { id: number; readyAt: number }[] = [];
  private pendingRef: { get: boolean; id: number } | undefined;
  private queuePipe: (QueueRequest | undefined)[] = [undefined, undefined]; // [accepted last cycle, two cycles ago]
  private pendingMeta: MetaResp | undefined;
  private pendingRead: ReadResp | undefined;
  private regs = { freeCount: 0, freeLow: 0, nomemEvent: false, allocFailCount: 0, errEvent: false, errCode: 0, errCount: 0, refusedBefore: false };
  events: CycleEvents = {};

  constructor(readonly params: SkbParams) {
    const g = skbGeometry(params);
    this.blocks = g.blocks;
    this.connections = params.connections;
    this.maxRefs = g.maxRefs;
    this.beats = g.beatsPerBlock;
    this.beatBytes = params.width / 8;
    this.refs = new Array(g.blocks).fill(0);
    this.queued = new Array(g.blocks).fill(false);
    this.queues = Array.from({ length: 2 * params.connections }, () => []);
    this.meta = Array.from({ length: g.blocks }, () => ({}));
    this.regs.freeCount = this.regs.freeLow = g.blocks;
  }

  allocatedBlocks(): number[] { return this.refs.flatMap((r, b) => (r > 0 ? [b] : [])); }
  /** Blocks the free list holds: not yet issued by the counter, or freed. */
  freeBlocks(): number[] { return this.refs.flatMap((r, b) => (r === 0 ? [b] : [])); }
  /** The free list's hand-out order: the counter's remaining ids, then the freed FIFO. */
  freeListOrder(): number[] {
    return [...Array.from({ length: this.blocks - this.issued }, (_, i) => this.issued + i), ...this.freed.map((f) => f.id)];
  }
  idle(): boolean { return !this.pendingRef && !this.queuePipe[0] && !this.queuePipe[1]; }

  /** The outputs the hardware shows during this cycle given its inputs; then the clock edge. */
  step(inp: CycleInputs): CycleOutputs {
    const x = this.cycle;
    const r = this.regs;
    this.events = {};
    const counterLeft = this.issued < this.blocks;
    const allocReady = counterLeft || (this.freed.length > 0 && this.freed[0]!.readyAt <= x);
    const allocId = counterLeft ? this.issued : allocReady ? this.freed[0]!.id : undefined;
    const out: CycleOutputs = {
      allocReady, allocId, freeReady: inp.get === undefined,
      metaResp: this.pendingMeta, rdResp: this.pendingRead,
      freeCount: r.freeCount, freeLow: r.freeLow, nomem: r.freeCount === 0, nomemEvent: r.nomemEvent,
      allocFailCount: r.allocFailCount, errEvent: r.errEvent, errCode: r.errCode, errCount: r.errCount,
    };

    // 1. The queue operation accepted two cycles ago commits.
    const q = this.queuePipe[1];
    if (q) out.qResp = this.commitQueue(q);
    // 2. The reference operation accepted last cycle commits.
    let released = false;
    if (this.pendingRef) {
      out.refResp = this.commitRef(this.pendingRef, x);
      released = out.refResp.released;
    }
    // 3. Allocation.
    const allocFire = !!inp.alloc && allocReady;
    if (allocFire) {
      const id = allocId!;
      if (this.refs[id] !== 0) throw new Error(`model: block ${id} handed out while allocated`);
      if (counterLeft) this.issued++;
      else this.freed.shift();
      this.refs[id] = 1;
      this.events.allocated = id;
    }
    // 4. Buffer memory: a read sees the beat before this cycle's write.
    this.pendingRead = inp.rd ? this.readBeat(inp.rd.block, inp.rd.offset) : undefined;
    const wrError = inp.wr !== undefined && inp.wr.block >= this.blocks;
    if (inp.wr && !wrError) this.writeBeat(inp.wr);
    // 5. Metadata write, then a metadata read sees the state at the end of the cycle.
    const metaWrError = inp.metaWr !== undefined && inp.metaWr.id >= this.blocks;
    if (inp.metaWr && !metaWrError) {
      const w = inp.metaWr, e = this.meta[w.id]!;
      if (w.fields & 1) e.len = w.len;
      if (w.fields & 2) e.seq = w.seq;
      if (w.fields & 4) e.csum = w.csum;
    }
    const metaRdError = inp.metaRd !== undefined && inp.metaRd >= this.blocks;
    this.pendingMeta = inp.metaRd === undefined ? undefined : this.snapshotMeta(inp.metaRd);

    // 6. Accounting (registered: visible next cycle).
    const refused = !!inp.alloc && r.freeCount === 0;
    const newFailure = refused && !r.refusedBefore;
    r.refusedBefore = refused;
    r.nomemEvent = newFailure;
    if (newFailure) r.allocFailCount = (r.allocFailCount + 1) >>> 0;
    r.freeCount += (released ? 1 : 0) - (allocFire ? 1 : 0);
    r.freeLow = Math.min(r.freeLow, r.freeCount);
    const range = (bad: boolean) => (bad ? SkbError.ID_RANGE : SkbError.NONE);
    const errors = [out.qResp?.error ?? 0, out.refResp?.error ?? 0, range(metaWrError), range(metaRdError), range(wrError),
      range(inp.rd !== undefined && inp.rd.block >= this.blocks)];
    const failed = errors.filter((c) => c !== 0);
    r.errEvent = failed.length > 0;
    r.errCode = failed[0] ?? 0;
    r.errCount = (r.errCount + failed.length) >>> 0;

    // 7. Accept this cycle's reference and queue operations (get wins over free).
    this.pendingRef = inp.get !== undefined ? { get: true, id: inp.get } : inp.free !== undefined ? { get: false, id: inp.free } : undefined;
    if (inp.get === undefined && inp.free !== undefined) this.events.freed = true;
    this.queuePipe = [inp.q, this.queuePipe[0]];
    this.cycle++;
    return out;
  }

  private commitRef(op: { get: boolean; id: number }, x: number): RefResp {
    const resp = { get: op.get, id: op.id, count: 0, released: false, error: SkbError.NONE as number };
    if (op.id >= this.blocks) { resp.error = SkbError.ID_RANGE; return resp; }
    const rc = this.refs[op.id]!;
    resp.count = rc;
    if (rc === 0) resp.error = op.get ? SkbError.NOT_ALLOCATED : SkbError.DOUBLE_FREE;
    else if (op.get && rc === this.maxRefs) resp.error = SkbError.REF_OVERFLOW;
    else if (!op.get && rc === 1 && this.queued[op.id]) resp.error = SkbError.FREE_QUEUED;
    if (resp.error !== SkbError.NONE) return resp;
    resp.count = this.refs[op.id] = rc + (op.get ? 1 : -1);
    if (resp.count === 0) {
      resp.released = true;
      // Written to the FIFO at this edge; handed out from two cycles on, behind the ids freed before it.
      this.freed.push({ id: op.id, readyAt: x + 2 });
      this.events.released = op.id;
    }
    return resp;
  }

  private commitQueue(q: QueueRequest): QueueResp {
    const connOk = q.conn < this.connections;
    const list = connOk ? this.queues[2 * q.conn + q.dir]! : [];
    const before = list.length;
    let error: number = SkbError.NONE;
    if (q.op === 3) error = SkbError.BAD_OP;
    else if (!connOk) error = SkbError.BAD_CONN;
    else if (q.op === QueueOp.ENQUEUE) {
      if (q.id >= this.blocks) error = SkbError.ID_RANGE;
      else if (this.refs[q.id] === 0) error = SkbError.NOT_ALLOCATED;
      else if (this.queued[q.id]) error = SkbError.ALREADY_QUEUED;
    }
    const head = before > 0 ? list[0]! : 0;
    if (error === SkbError.NONE && q.op === QueueOp.ENQUEUE) {
      list.push(q.id);
      this.queued[q.id] = true;
    } else if (error === SkbError.NONE && q.op === QueueOp.DEQUEUE && before > 0) {
      this.queued[list.shift()!] = false;
    }
    return {
      op: q.op, conn: q.conn, dir: q.dir,
      id: q.op === QueueOp.ENQUEUE ? q.id : connOk && before > 0 ? head : 0,
      empty: connOk && before === 0, count: connOk ? list.length : 0, error,
    };
  }

  private snapshotMeta(id: number): MetaResp {
    if (id >= this.blocks) return { id, error: true };
    const e = this.meta[id]!;
    let next: number | undefined;
    if (this.queued[id]) {
      const list = this.queues.find((l) => l.includes(id))!;
      const i = list.indexOf(id);
      if (i < list.length - 1) next = list[i + 1];
    }
    return { id, error: false, len: e.len, seq: e.seq, csum: e.csum, refcount: this.refs[id], queued: this.queued[id], next };
  }

  private readBeat(block: number, offset: number): ReadResp {
    if (block >= this.blocks) return { error: true };
    const b = this.beatsData.get(block * this.beats + offset);
    return { error: false, data: b?.value ?? 0n, known: b?.known ?? 0n };
  }

  private writeBeat(w: BeatWrite) {
    const addr = w.block * this.beats + w.offset;
    const b = this.beatsData.get(addr) ?? { value: 0n, known: 0n };
    for (let i = 0; i < this.beatBytes; i++) {
      if (!((w.keep >> i) & 1)) continue;
      const m = 0xffn << BigInt(8 * i);
      b.value = (b.value & ~m) | (w.data & m);
      b.known |= m;
    }
    this.beatsData.set(addr, b);
  }
}
