// The rx_parser block's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { RxParser } from './rx-parser.ts';

export const designs: DesignEntry[] = [
  design('rx_parser', 'TOE RX parser, 64-bit: Ethernet/IPv4/TCP headers and options to metadata, re-aligned payload, slow-path port, per-reason counters',
    RxParser, { width: 64, sackBlocks: 1, counterBits: 32 }),
];
