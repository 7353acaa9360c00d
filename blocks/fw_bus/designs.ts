// The firmware bus's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { FwBus } from './fw-bus.ts';
import { defaultFwBusParams } from './params.ts';

export const designs: DesignEntry[] = [
  design('fw_bus', 'Firmware bus for an embedded core: AXI4-Lite slave with a 128-bit event queue, a 128-bit command queue (16 deep each), a TCB/CSR window with timeout, status and counters',
    FwBus, defaultFwBusParams),
];
