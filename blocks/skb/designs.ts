// The skb manager's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { SkbManager } from './skb-manager.ts';

export const designs: DesignEntry[] = [
  design('skb_manager', 'skb manager: 256 KiB buffer in 2 KiB blocks, counter-first free list (1 alloc + 1 free per cycle), reference counts, metadata, send/receive queues for 64 connections',
    SkbManager, {}),
  design('skb_manager_formal', 'skb manager, formal build: 8 blocks, 2 connections, tables in registers, invariant outputs (proven by test/skb/formal.test.ts)',
    SkbManager, { width: 8, bufferBytes: 16, blockBytes: 2, connections: 2, refBits: 2, idBits: 4, connBits: 2, formal: true }),
];
