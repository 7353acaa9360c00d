// The skb manager's parameters and the geometry derived from them (shared by the hardware and its tests).
import { clog2 } from '../../dsl/index.ts';

export interface SkbParams {
  /** Datapath bits of the buffer's data ports (a power of two >= 8). */
  width: number;
  /** Total on-NIC buffer memory in bytes (a power of two). */
  bufferBytes: number;
  /** Bytes per block (a power of two; at least two beats of the datapath). */
  blockBytes: number;
  /** Connections with a send and a receive queue each (>= 2). */
  connections: number;
  /** Bits of a block's reference count: at most 2^refBits - 1 references. */
  refBits: number;
  /** Width of the block-id ports; ids at or above the block count are out of range (counted, ignored). */
  idBits: number;
  /** Width of the connection-number ports; numbers at or above `connections` are invalid (counted, ignored). */
  connBits: number;
  /**
   * Formal-verification build: the free-list FIFO, next-pointer and queue-state tables are registers instead of
   * block RAM (same synchronous-read behaviour), and an `inv_ok` output checks the structural invariants.
   */
  formal: boolean;
}

export const skbDefaults: SkbParams = {
  width: 64, bufferBytes: 256 * 1024, blockBytes: 2048, connections: 64, refBits: 4, idBits: 16, connBits: 16, formal: false,
};

export interface SkbGeometry {
  /** Blocks in the buffer memory. */
  blocks: number;
  /** Bits of an internal block index (log2 blocks). */
  blockBits: number;
  /** Bits of a count of blocks, 0..blocks. */
  countBits: number;
  /** Datapath beats per block, and the bits of a beat offset within a block. */
  beatsPerBlock: number;
  offsetBits: number;
  /** Queues (two per connection: index = 2 * connection + dir) and the bits of a queue index. */
  queues: number;
  queueBits: number;
  /** Bits of a connection number inside the block. */
  connIndexBits: number;
  maxRefs: number;
}

const pow2 = (n: number) => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

export function skbGeometry(p: SkbParams): SkbGeometry {
  const fail = (why: string) => { throw new Error(`skb_manager: ${why}`); };
  if (!pow2(p.width) || p.width < 8) fail(`width must be a power of two >= 8, got ${p.width}`);
  if (!pow2(p.bufferBytes) || !pow2(p.blockBytes)) fail(`bufferBytes (${p.bufferBytes}) and blockBytes (${p.blockBytes}) must be powers of two`);
  const blocks = p.bufferBytes / p.blockBytes;
  const beatsPerBlock = p.blockBytes / (p.width / 8);
  if (!Number.isInteger(blocks) || blocks < 2) fail(`need at least 2 blocks, got ${p.bufferBytes}/${p.blockBytes}`);
  if (!Number.isInteger(beatsPerBlock) || beatsPerBlock < 2) fail(`a block must hold at least two ${p.width}-bit beats, got ${p.blockBytes} bytes`);
  if (!Number.isInteger(p.connections) || p.connections < 2) fail(`connections must be an integer >= 2, got ${p.connections}`);
  if (!Number.isInteger(p.refBits) || p.refBits < 1 || p.refBits > 16) fail(`refBits must be 1..16, got ${p.refBits}`);
  const blockBits = Math.log2(blocks);
  if (p.idBits < blockBits || p.idBits > 32) fail(`idBits must be ${blockBits}..32 for ${blocks} blocks, got ${p.idBits}`);
  const connIndexBits = clog2(p.connections);
  if (p.connBits < connIndexBits || p.connBits > 32) fail(`connBits must be ${connIndexBits}..32 for ${p.connections} connections, got ${p.connBits}`);
  return {
    blocks, blockBits, countBits: blockBits + 1, beatsPerBlock, offsetBits: Math.log2(beatsPerBlock),
    queues: 2 * p.connections, queueBits: connIndexBits + 1, connIndexBits, maxRefs: 2 ** p.refBits - 1,
  };
}
