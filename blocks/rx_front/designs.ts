// The rx_front block's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { RxFront } from './rx-front.ts';

export const designs: DesignEntry[] = [
  design('rx_front', 'TOE receive front end, 64-bit: checksum verifier into the RX parser (BAD_CHECKSUM reason), metadata, payload, slow path, counters',
    RxFront, { width: 64, sackBlocks: 1, counterBits: 32 }),
];
