// The checksum block's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { RxChecksum } from './rx-checksum.ts';
import { TxChecksum } from './tx-checksum.ts';

export const designs: DesignEntry[] = [
  design('rx_checksum', 'RX IPv4 header + TCP checksum verifier, 64-bit AXI4-Stream, verdict on tuser of the last beat', RxChecksum, { width: 64 }),
  // The TOE's configuration: the DMA engine sums the payload as it copies it, so headers are patched as they
  // stream. (The 16 KB store-and-forward configurations are left out of rtl_out/ only because Yosys's generic
  // synth in `toe lint` turns their block RAM into ~150k flip-flops and takes minutes.)
  design('tx_checksum', 'TX IPv4 header + TCP checksum inserter, 64-bit AXI4-Stream, payload partial sum on tuser, line rate', TxChecksum, { width: 64, mode: 'partial' }),
];
