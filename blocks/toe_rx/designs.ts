// The toe_rx block's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { ToeRx, toeRxDefaults } from './toe-rx.ts';

export const designs: DesignEntry[] = [
  design('toe_rx', 'TOE receive control path, 64-bit, 64 connections: rx_front -> conn_table lookup -> seq_check -> fast-path TCB updates, one segment record per TCP frame',
    ToeRx, toeRxDefaults),
];
