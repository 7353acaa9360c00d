// The tx_engine's design, as it appears in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { TxEngine } from './tx-engine.ts';
import { txEngineDefaults } from './params.ts';

export const designs: DesignEntry[] = [
  design('tx_engine', 'TOE transmit engine: per-connection send queues in skb blocks (append, release, base), TX_SEG from the queue (range-checked, realigned, payload sum), TX_SYN with MSS/SACK-permitted/timestamps/window scale, TX_RST; frames via tx_builder',
    TxEngine, txEngineDefaults),
];
