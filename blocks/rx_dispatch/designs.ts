// The rx_dispatch block's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { RxDispatch, rxDispatchDefaults } from './rx-dispatch.ts';

export const rx_dispatch = design('rx_dispatch',
  'TOE receive dispatch, 64-bit: toe_rx segment records -> fast-path delivery into skbs + ack_gen events, SEG/SEG_NOCONN to the RX core, ACK/SACK_RCVD to the TX core',
  RxDispatch, rxDispatchDefaults);
export const designs: DesignEntry[] = [rx_dispatch];
export default rx_dispatch;
