// The ack_tx block's designs, as they appear in rtl_out/.
import type { DesignEntry } from '../../gen/design.ts';
import { design } from '../../gen/design.ts';
import { AckGen } from './ack-gen.ts';
import { TxBuilder } from './tx-builder.ts';
import { TxArbiter } from './tx-arbiter.ts';

export const designs: DesignEntry[] = [
  design('ack_gen', 'ACK generator: delayed-ACK policy for 64 connections + pure-ACK/RST frame builder, 64-bit AXI4-Stream out', AckGen, { width: 64, conns: 64 }),
  design('tx_builder', 'TX frame builder: segment descriptor + payload stream -> Ethernet/IPv4/TCP frame with checksums, 64-bit', TxBuilder, { width: 64 }),
  design('tx_arbiter', 'Frame-atomic merge of ACK and data frames onto the MAC stream (ACKs first, data never starved), 64-bit', TxArbiter, { width: 64 }),
];
