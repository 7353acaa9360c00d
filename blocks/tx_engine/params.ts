// The tx_engine's parameters: the datapath, the connection table size and the skb manager it is wired to.
import { clog2 } from '../../dsl/index.ts';
import { skbDefaults } from '../skb/params.ts';

export interface TxEngineParams {
  /** Datapath bits: tx_builder's and the skb manager's data ports (64 by default). */
  width: number;
  /** IPv4 TTL of the frames. */
  ttl: number;
  /** Connections (a power of two): the send-queue state table's depth; conn numbers >= conns are refused. */
  conns: number;
  /** The skb manager's block bytes, block count and id / connection port widths (blocks/skb/params.ts). */
  blockBytes: number;
  blocks: number;
  idBits: number;
  connBits: number;
  /** Blocks the send queues may never take (the model's rxReserveBlocks), so received segments find buffers. */
  reserveBlocks: number;
  /**
   * Bytes of the payload FIFO (a power of two, at least two beats): a TX_SEG of up to this many bytes is read
   * from the queue once; a longer one is read twice (sum, then payload), as before.
   */
  fifoBytes: number;
}

export const txEngineDefaults: TxEngineParams = {
  width: skbDefaults.width, ttl: 64, conns: 64, blockBytes: skbDefaults.blockBytes,
  blocks: skbDefaults.bufferBytes / skbDefaults.blockBytes, idBits: skbDefaults.idBits, connBits: skbDefaults.connBits,
  reserveBlocks: skbDefaults.bufferBytes / skbDefaults.blockBytes / 4, fifoBytes: 2048,
};

export function txEngineGeometry(p: TxEngineParams) {
  const pow2 = (n: number) => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
  const fail = (why: string) => { throw new Error(`tx_engine: ${why}`); };
  if (![8, 16, 32, 64, 128, 256, 512].includes(p.width)) fail(`width must be 8..512 (a power of two), got ${p.width}`);
  if (!pow2(p.conns) || !pow2(p.blockBytes) || !pow2(p.blocks)) fail('conns, blockBytes and blocks must be powers of two');
  const beatBytes = p.width / 8;
  if (p.blockBytes < 2 * beatBytes) fail('a block must hold at least two beats');
  if (!pow2(p.fifoBytes) || p.fifoBytes < 2 * beatBytes) fail('fifoBytes must be a power of two of at least two beats');
  if (!Number.isInteger(p.reserveBlocks) || p.reserveBlocks < 0 || p.reserveBlocks >= p.blocks) fail(`reserveBlocks must be 0..${p.blocks - 1}`);
  return {
    beatBytes, laneBits: clog2(beatBytes) || 1, beatShift: Math.log2(beatBytes),
    blockShift: Math.log2(p.blockBytes), blockBits: Math.log2(p.blocks), offsetBits: Math.log2(p.blockBytes / beatBytes),
    connIndexBits: Math.log2(p.conns), countBits: Math.log2(p.blocks) + 1, fifoBeats: p.fifoBytes / beatBytes,
  };
}
