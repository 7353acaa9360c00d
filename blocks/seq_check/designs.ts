// The seq_check block's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { SeqCheck } from './seq-check.ts';

export const designs: DesignEntry[] = [
  design('seq_check', 'TCP sequence/window checker: RFC 9293 acceptability and trimming, RFC 5961 RST/SYN/ACK checks, RFC 5681 dup ACKs; 2-stage pipeline, 1 segment/cycle',
    SeqCheck, { tagBits: 16 }),
];
