// The ARP responder's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { ArpResponder } from './arp-responder.ts';

export const designs: DesignEntry[] = [
  design('arp_responder', 'ARP responder on the slow path, 64-bit: answers requests for the TOE\'s IPv4 address from its MAC (42-byte replies to a TX arbiter), learns the sender of every ARP frame aimed at it, counts replies, drops (busy, not for us, malformed) and non-ARP slow-path frames',
    ArpResponder, { width: 64 }),
];
