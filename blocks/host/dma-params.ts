// The DMA engine's parameters and the port bundles its read and write paths share.
import { UInt } from '../../dsl/index.ts';
import { Handshake } from './handshake.ts';
import { burstBytesOf, log2 } from './burst.ts';

export interface DmaParams {
  /** AXI4 data width in bits (a power of two, 32..512); also the NIC memory word. */
  width: number;
  /** Host (AXI4) byte address bits. */
  addrBits: number;
  /** NIC buffer memory byte address bits. */
  nicAddrBits: number;
  /** Transfer length bits: one command moves up to 2^lenBits - 1 bytes. */
  lenBits: number;
  /** Command tag bits, returned with the command's completion. */
  tagBits: number;
  /** Read bursts in flight (AXI IDs, each with its own reorder-buffer slot): a power of two. */
  tags: number;
  /** Longest burst in beats (a power of two <= 256); bursts also stop at 4 KiB boundaries. */
  maxBurst: number;
  /** Write bursts whose B response is outstanding, at most. */
  maxWrites: number;
}

export const dmaDefaults: DmaParams = { width: 64, addrBits: 48, nicAddrBits: 24, lenBits: 20, tagBits: 8, tags: 16, maxBurst: 8, maxWrites: 32 };

export function dmaShape(p: DmaParams) {
  const beatBytes = p.width / 8;
  const ob = log2(beatBytes);
  if (p.width < 32 || p.width > 512) throw new Error(`dma: width must be 32..512 bits, got ${p.width}`);
  const burstBytes = burstBytesOf(beatBytes, p.maxBurst);
  if (p.lenBits < log2(burstBytes) + 1) throw new Error(`dma: lenBits ${p.lenBits} is too small for ${burstBytes}-byte bursts`);
  log2(p.tags);
  return { beatBytes, ob, burstBytes, nicWordBits: p.nicAddrBits - ob, idBits: Math.max(1, log2(p.tags)), axi: { addrBits: p.addrBits, dataBits: p.width, idBits: Math.max(1, log2(p.tags)) } };
}

/** A DMA command: move `len` bytes between host address `hostAddr` and NIC buffer address `nicAddr`. */
export const DmaCmd = (p: Pick<DmaParams, 'addrBits' | 'nicAddrBits' | 'lenBits' | 'tagBits'>) => Handshake({ hostAddr: UInt(p.addrBits), nicAddr: UInt(p.nicAddrBits), len: UInt(p.lenBits), tag: UInt(p.tagBits) });

/**
 * A command's completion, in command order: its tag, the worst AXI response seen (0 OK, 2 SLVERR, 3 DECERR), and
 * the 16-bit ones'-complement sum of the bytes moved, as if the first byte were at an even offset.
 */
export const DmaDone = (p: Pick<DmaParams, 'tagBits'>) => Handshake({ tag: UInt(p.tagBits), status: UInt(2), csum: UInt(16) });

/** The NIC buffer memory's write port: one word (address in words) with byte strobes. */
export const NicWrite = (p: Pick<DmaParams, 'width'>, nicWordBits: number) => Handshake({ addr: UInt(nicWordBits), data: UInt(p.width), strb: UInt(p.width / 8) });
/** The NIC buffer memory's read request (address in words); its data returns in order on NicReadData. */
export const NicRead = (nicWordBits: number) => Handshake({ addr: UInt(nicWordBits) });
